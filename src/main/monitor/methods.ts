import { z } from 'zod';
import { historyRangeSchema } from '../../shared/monitor';
import type { Monitor } from './monitor';
import type { LoadedTopology } from '../config/topology-file';
import { noInput, type MethodTable } from '../rpc/router';
import type { SecretStore } from '../store/secret-store';
import { secretKindSchema, secretNameSchema } from '../store/secret-names';

export interface MonitorMethodDeps {
  monitor: Monitor;
  secrets: SecretStore;
  topology: LoadedTopology;
  sandbox: boolean;
}

const historyQuerySchema = z.strictObject({
  metric: z.enum(['lag', 'oplogWindow'], 'one of "lag", "oplogWindow"'),
  range: historyRangeSchema,
  maxPoints: z.number().int().min(10, 'from 10 to 10000 points').max(10_000, 'from 10 to 10000 points').optional(),
});

/** DeskApi's monitoring, topology and credentials methods, with their input schemas. */
export function monitorMethods(d: MonitorMethodDeps): MethodTable {
  return {
    getOverview: { input: noInput, handler: async () => d.monitor.overview() },
    getHistory: { input: historyQuerySchema, handler: async (q) => d.monitor.queryHistory(q) },
    getAlerts: {
      input: z.union([noInput, z.strictObject({ limit: z.number().int().min(1).max(1000, 'at most 1000 alerts').optional() })]),
      handler: async (i) => d.monitor.listAlerts(i?.limit),
    },
    getTopology: { input: noInput, handler: async () => ({ source: d.topology.source, sandbox: d.sandbox, topology: d.topology.topology }) },
    listSecrets: { input: noInput, handler: () => d.secrets.list() },
    setSecret: {
      input: z.strictObject({ name: secretNameSchema, kind: secretKindSchema, value: z.string().min(1, 'a non-empty value').max(65_536, 'at most 64 KiB') }),
      handler: async (i) => {
        const info = await d.secrets.set(i.name, i.value, i.kind);
        await d.monitor.secretsChanged();
        return info;
      },
    },
    deleteSecret: {
      input: z.strictObject({ name: secretNameSchema }),
      handler: async (i) => {
        const deleted = await d.secrets.delete(i.name);
        await d.monitor.secretsChanged();
        return { deleted };
      },
    },
  };
}

import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { BackupEvents } from '../../shared/api/backup';
import type { Topology } from '../../shared/topology';
import { noInput, type MethodTable } from '../rpc-router';
import type { SecretStore } from '../store/secret-store';
import { BackupService, type BackupServiceOptions } from './service';

/**
 * DeskApi's backup methods (BackupMethods in src/shared/api/backup.ts): each with the zod schema the router
 * validates its input with, and its handler. Events `backupProgress` and `backupStatus` go out through
 * the emitter Desk forwards to every host.
 */
const waitInput = z.union([noInput, z.strictObject({ wait: z.boolean().optional() })]);

export class DeskBackup {
  constructor(readonly service: BackupService) {}

  handlers(): MethodTable {
    const s = this.service;
    return {
      getBackupStatus: { input: noInput, handler: async () => s.status() },
      getRpoHistory: {
        input: z.strictObject({
          range: z.enum(['15m', '1h', '24h', '7d'], 'one of "15m", "1h", "24h", "7d"'),
          maxPoints: z.number().int().min(10, 'from 10 to 10000 points').max(10_000, 'from 10 to 10000 points').optional(),
        }),
        handler: async (i) => s.rpoHistory(i.range, i.maxPoints),
      },
      runBackupNow: { input: waitInput, handler: (i) => s.run('cycle', 'manual', i?.wait === true) },
      startBaseline: { input: waitInput, handler: (i) => s.run('baseline', 'manual', i?.wait === true) },
      setBackupSchedule: {
        input: z
          .strictObject({
            intervalMinutes: z.number().min(1, 'the backup interval is at least 1 minute').max(24 * 60, 'at most 1440 minutes (one day)').optional(),
            enabled: z.boolean().optional(),
          })
          .refine((v) => v.intervalMinutes !== undefined || v.enabled !== undefined, 'give intervalMinutes, enabled, or both'),
        handler: async (i) => s.setSchedule(i),
      },
      verifyChain: { input: z.union([noInput, z.strictObject({ remote: z.boolean().optional() })]), handler: (i) => s.verify(i?.remote !== false) },
      trustSshHostKey: {
        input: z.strictObject({
          hostPort: z.string().regex(/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, 'host:port, as shown in the host-key message'),
          fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'an OpenSSH fingerprint "SHA256:…" (43 base64 characters)'),
        }),
        handler: async (i) => s.trustHostKey(i.hostPort, i.fingerprint),
      },
      getBackupHistory: {
        input: z.union([noInput, z.strictObject({ limit: z.number().int().min(1).max(1000, 'at most 1000 cycles').optional() })]),
        handler: async (i) => s.store.recentCycles(i?.limit ?? 50),
      },
    };
  }
}

/** What the feature needs from Desk's context (a subset of DeskContext in src/main/desk.ts). */
export interface BackupFeatureContext {
  dataDir: string;
  database: { db: Database };
  secrets: SecretStore;
  topology: { topology: Topology };
  events: { emit<E extends keyof BackupEvents>(event: E, payload: BackupEvents[E]): void };
}

/**
 * The feature entry for src/main/features.ts: builds the service on Desk's database, secrets and topology,
 * registers the methods, forwards the events, starts the schedule while the app is open.
 */
export function backupFeature(options: BackupServiceOptions & { autoStart?: boolean } = {}) {
  return (ctx: BackupFeatureContext): { methods: MethodTable; close: () => Promise<void> } => {
    const service = new BackupService({
      topology: ctx.topology.topology,
      secrets: ctx.secrets,
      db: ctx.database.db,
      dataDir: ctx.dataDir,
      options,
      onProgress: (p) => ctx.events.emit('backupProgress', p),
      onStatus: (st) => ctx.events.emit('backupStatus', st),
    });
    if (options.autoStart !== false) service.start();
    return { methods: new DeskBackup(service).handlers(), close: () => service.stop() };
  };
}

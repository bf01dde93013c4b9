import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { BackupEvents } from '../../shared/api/backup';
import { historyRangeSchema } from '../../shared/monitor';
import type { Topology } from '../../shared/topology';
import { serviceId } from '../feature/contract';
import { noInput, type MethodTable } from '../rpc/router';
import type { SecretStore } from '../store/secret-store';
import { BackupRoutes } from './routes';
import type { BackupService, BackupServiceOptions } from './service';

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
      getBackupControl: { input: noInput, handler: () => s.controlView() },
      takeOverBackups: { input: noInput, handler: () => s.takeOver() },
      getRpoHistory: {
        input: z.strictObject({
          range: historyRangeSchema,
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
  /** The sandbox Desk started (no topology configured), else null: its sites are this machine. */
  sandbox: { description: { control: string; topologyFile: string } } | null;
  events: { emit<E extends keyof BackupEvents>(event: E, payload: BackupEvents[E]): void };
}

/** Where the sandbox's receiving sites get their local landing directories (DATA_DIR/sandbox-landing/SITE). */
export const SANDBOX_LANDING_DIR = 'sandbox-landing';

/**
 * The backup routes on a Desk's database, secrets and topology (a local landing on the sandbox), reporting
 * progress and status as DeskApi events. A one-shot command (drdesk status) builds its own and closes it.
 */
export function createBackupRoutes(ctx: BackupFeatureContext, options: BackupServiceOptions = {}): BackupRoutes {
  return new BackupRoutes({
    topology: ctx.topology.topology,
    secrets: ctx.secrets,
    db: ctx.database.db,
    dataDir: ctx.dataDir,
    options,
    sandboxLandingRoot: ctx.sandbox ? join(ctx.dataDir, SANDBOX_LANDING_DIR) : null,
    sandboxInstance: ctx.sandbox ? `${ctx.sandbox.description.control} ${ctx.sandbox.description.topologyFile}` : null,
    onProgress: (p) => ctx.events.emit('backupProgress', p),
    onStatus: (st) => ctx.events.emit('backupStatus', st),
  });
}

/**
 * The backup routes of a Desk: the backup feature schedules and serves them, the runbooks feature runs DR
 * activation's and failback's backup steps through the same services (so their gates and locks cover both),
 * and the operator's picture reads their readiness.
 */
export const BACKUP_ROUTES = serviceId<BackupRoutes>('backup routes', (ctx) => createBackupRoutes(ctx), (routes) => routes.close());

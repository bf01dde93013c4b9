import { userInfo } from 'node:os';
import { z } from 'zod';
import { historyRangeSchema } from '../../shared/monitor';
import { noInput, type MethodTable } from '../rpc/router';
import type { BackupService } from './service';

const waitInput = z.union([noInput, z.strictObject({ wait: z.boolean().optional() })]);

/**
 * DeskApi's backup methods (BackupMethods in src/shared/api/backup.ts): each with the zod schema the router
 * validates its input with, and its handler. Events `backupProgress` and `backupStatus` go out through
 * the emitter Desk forwards to every host.
 */
export function backupMethods(s: BackupService): MethodTable {
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
    // Any string reaches the service, which refuses an unknown mode with BACKUP_MODE (the same answer as the CLI's).
    setBackupMode: { input: z.strictObject({ mode: z.string().max(100) }), handler: async (i) => s.setMode(i.mode, `${userInfo().username} via DeskApi`) },
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

import type { OperationHandlers } from '../handlers';

/**
 * What the runbooks need from the backup module (issue 4), as an interface: the desk adapts the real
 * pipeline to it; drills and tests may pass their own.
 */
export interface BackupPort {
  /** Checks the checksum and chain link of the newest slice that reached `to`; rejects with the reason. */
  verifyLatest(from: string, to: string, signal: AbortSignal): Promise<{ sequence: number; summary: string }>;
  /** Applies every verified slice not yet applied, in order. `appliedTo`: source wall time of the last applied entry. */
  applyLatest(from: string, to: string, signal: AbortSignal): Promise<{ sequence: number | null; appliedTo: string | null; summary: string }>;
  /** One capture → ship → verify → apply cycle from `from` to `to`. */
  cycle(from: string, to: string, signal: AbortSignal): Promise<{ sequence: number | null; appliedTo: string | null; summary: string }>;
}

export function backupHandlers(backup: BackupPort): OperationHandlers {
  return {
    'backup.verifyLatest': async (op, ctx) => {
      const r = await backup.verifyLatest(op.from, op.to, ctx.signal);
      return { summary: r.summary, data: { sequence: r.sequence } };
    },
    'backup.applyLatest': async (op, ctx) => {
      const r = await backup.applyLatest(op.from, op.to, ctx.signal);
      return { summary: r.summary, data: { sequence: r.sequence, appliedTo: r.appliedTo } };
    },
    'backup.cycle': async (op, ctx) => {
      const r = await backup.cycle(op.from, op.to, ctx.signal);
      return { summary: r.summary, data: { sequence: r.sequence, appliedTo: r.appliedTo } };
    },
  };
}

import type { OperationHandlers } from './step-handler';

/** What a backup step hands the backup module: its deadline/cancel signal, whose step it is, its journal log. */
export interface BackupStepContext {
  signal: AbortSignal;
  /** When the step's deadline fires (epoch ms); a wait ends a little before it so the step can say why. */
  deadline?: number;
  executionId?: string;
  log?(line: string): void;
}

/**
 * What the runbooks need from the backup module, as an interface: the desk adapts its backup
 * service to it (backup-service-port.ts); tests may pass their own.
 */
export interface BackupPort {
  /** Checks the checksum and chain link of the newest slice that reached `to`; rejects with the reason. */
  verifyLatest(from: string, to: string, ctx: BackupStepContext): Promise<{ sequence: number; summary: string }>;
  /**
   * Applies every verified slice not yet applied, in order, without capturing (the source may be gone): DR
   * activation. `appliedTo`: source wall time of the last applied entry.
   */
  applyLatest(from: string, to: string, ctx: BackupStepContext): Promise<{ sequence: number | null; appliedTo: string | null; summary: string }>;
  /** One capture → ship → verify → apply cycle from `from` to `to`. */
  cycle(from: string, to: string, ctx: BackupStepContext): Promise<{ sequence: number | null; appliedTo: string | null; summary: string }>;
  /** After failback: resumes the route `from` → `to` that DR activation stopped. */
  resumeRoute?(from: string, to: string, ctx: BackupStepContext): Promise<{ summary: string }>;
}

export function backupHandlers(backup: BackupPort): OperationHandlers {
  const handlers: OperationHandlers = {
    'backup.verifyLatest': async (op, ctx) => {
      const r = await backup.verifyLatest(op.from, op.to, ctx);
      return { summary: r.summary, data: { sequence: r.sequence } };
    },
    'backup.applyLatest': async (op, ctx) => {
      const r = await backup.applyLatest(op.from, op.to, ctx);
      return { summary: r.summary, data: { sequence: r.sequence, appliedTo: r.appliedTo } };
    },
    'backup.cycle': async (op, ctx) => {
      const r = await backup.cycle(op.from, op.to, ctx);
      return { summary: r.summary, data: { sequence: r.sequence, appliedTo: r.appliedTo } };
    },
  };
  const resume = backup.resumeRoute?.bind(backup);
  if (resume) handlers['backup.resumeRoute'] = async (op, ctx) => ({ summary: (await resume(op.from, op.to, ctx)).summary });
  return handlers;
}

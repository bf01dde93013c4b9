import { DeskError } from '../../shared/errors';
import { PIN_PREFIX, type MachinePins, type PinValue } from '../signing/machine-pins';
import type { AuditLog } from './audit-log';

/**
 * The audit log's high-water mark outside the SQLite file: the entry count and head hash this machine last
 * wrote, and the requests it ran, as a signed record in the keychain (drdesk.audit-hwm.<logId>). Deleting the
 * tail of the log, rewriting it, or restoring an older copy of the whole database leaves the keychain record
 * ahead of the file, which is how it is caught — on verify and before any execution.
 */
export class AuditAnchor {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: AuditLog,
    private readonly pins: MachinePins,
    private readonly now: () => Date,
  ) {}

  /** drdesk.audit-hwm.<identity>.<logId>: per identity too, since data directories may share a keychain. */
  async name(): Promise<string | null> {
    const owner = await this.pins.owner();
    return owner ? `${PIN_PREFIX.audit}${owner}.${this.log.logId}` : null;
  }

  async mark(): Promise<PinValue | null> {
    const name = await this.name();
    return name ? this.pins.get(name) : null;
  }

  /** Where the log disagrees with the mark: null when it is at or beyond it, on the same history. */
  problem(mark: PinValue | null): DeskError | null {
    if (!mark) return null;
    const { count } = this.log.head();
    if (count < mark.version)
      return new DeskError(
        'AUDIT_ROLLED_BACK',
        `The audit log has ${count} entries, but this machine's keychain records ${mark.version} (head ${mark.digest.slice(0, 12)}…): entries were deleted or an older copy of the database was restored. Do not run anything from this database; restore the newest copy or investigate.`,
        { localCount: count, markCount: mark.version, markHead: mark.digest },
      );
    const at = this.log.db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(mark.version) as { hash: string } | undefined;
    if (mark.version > 0 && at?.hash !== mark.digest)
      return new DeskError(
        'AUDIT_REWRITTEN',
        `Audit entry ${mark.version} is not the one this machine's keychain records (${mark.digest.slice(0, 12)}…): the log was rewritten. Do not run anything from this database; investigate with drdesk audit verify.`,
        { localCount: count, markCount: mark.version, markHead: mark.digest },
      );
    return null;
  }

  /** Throws when the log is behind or off the mark; used before execution and on start. */
  async check(): Promise<PinValue | null> {
    const mark = await this.mark();
    const p = this.problem(mark);
    if (p) throw p;
    return mark;
  }

  /**
   * Moves the mark to the log's head (never backwards, never off a rolled-back log), adding `executed` to the
   * requests it remembers. Writes are queued so two updates never race in the keychain.
   */
  advance(executed?: string): Promise<void> {
    const next = this.queue.then(async () => {
      const mark = await this.mark();
      if (this.problem(mark)) return;
      const { count, head } = this.log.head();
      const ids = [...(mark?.executed ?? []), ...(executed ? [executed] : [])];
      if (mark && mark.version === count && mark.digest === head && !executed) return;
      const name = await this.name();
      if (name) await this.pins.set(name, { version: count, digest: head, executed: ids }, this.now());
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every queued update is in the keychain. */
  flush(): Promise<void> {
    return this.queue;
  }
}

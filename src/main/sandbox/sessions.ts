import type { Document } from 'bson';
import { CommandError } from './errors';
import { idKey, toNumber } from './query/values';

/** What a retried statement returns: the outcome recorded when it first ran. */
export interface StatementOutcome {
  op: 'i' | 'u' | 'd';
  /** findAndModify's pre- or post-image, recorded so a retry returns the same value. */
  image?: Document | null;
  upsertedId?: unknown;
}

interface SessionRecord {
  txnNumber: number;
  statements: Map<number, StatementOutcome>;
}

/**
 * config.transactions in miniature: per logical session, the latest retryable-write txnNumber and the
 * statements it executed. Filled on the primary when it writes and on secondaries as they apply the oplog
 * (entries carry lsid/txnNumber/stmtId), so a write retried on a new primary is not executed twice.
 */
export class SessionTable {
  private readonly sessions = new Map<string, SessionRecord>();

  static keyOf(lsid: unknown): string | null {
    if (!lsid || typeof lsid !== 'object') return null;
    return idKey((lsid as Document).id);
  }

  /** Begins (or continues) a retryable write; throws TransactionTooOld for a stale txnNumber. */
  begin(lsid: unknown, txnNumber: unknown): SessionRecord | null {
    const key = SessionTable.keyOf(lsid);
    if (key === null || txnNumber === undefined) return null;
    const n = toNumber(txnNumber);
    const rec = this.sessions.get(key);
    if (rec && n < rec.txnNumber) throw new CommandError('TransactionTooOld', `Cannot start transaction ${n} on session because a newer transaction ${rec.txnNumber} has already started`);
    if (!rec || n > rec.txnNumber) {
      const fresh = { txnNumber: n, statements: new Map<number, StatementOutcome>() };
      this.sessions.set(key, fresh);
      return fresh;
    }
    return rec;
  }

  record(lsid: unknown, txnNumber: unknown, stmtId: unknown, outcome: StatementOutcome): void {
    const rec = this.begin(lsid, txnNumber);
    if (rec && stmtId !== undefined) rec.statements.set(toNumber(stmtId), outcome);
  }

  executed(rec: SessionRecord | null, stmtId: number): StatementOutcome | undefined {
    return rec?.statements.get(stmtId);
  }

  forget(lsid: unknown): void {
    const key = SessionTable.keyOf(lsid);
    if (key !== null) this.sessions.delete(key);
  }

  clear(): void {
    this.sessions.clear();
  }
}

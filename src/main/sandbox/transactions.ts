import { serialize, type Document } from 'bson';
import { CommandError } from './errors';
import type { Collection } from './member-store';
import type { OpTime } from './oplog';
import type { ReplicaSet } from './replica-set';
import type { Member } from './member';
import { SessionTable } from './sessions';
import { toNumber } from './query/values';

/** What undoes one write of an open transaction: the document as it was (null: it did not exist). */
interface Undo {
  coll: Collection;
  id: unknown;
  before: Document | null;
}

/**
 * One multi-document transaction of a logical session (unprepared, one replica set). Its writes change the
 * member's data at once and are kept with what undoes them; commit writes them to the oplog the way mongod
 * does (op_observer_impl.cpp), abort undoes them and writes nothing.
 */
export class Transaction {
  state: 'open' | 'committed' | 'aborted' = 'open';
  readonly ops: Document[] = [];
  private readonly undo: Undo[] = [];
  commitOpTime: OpTime | null = null;

  constructor(
    readonly lsid: unknown,
    readonly txnNumber: unknown,
  ) {}

  record(op: Document, undo: Undo): void {
    this.ops.push(op);
    this.undo.push(undo);
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) {
      const u = this.undo[i];
      if (u.before) u.coll.put(u.before, false);
      else u.coll.remove(u.id);
    }
    this.undo.length = 0;
    this.ops.length = 0;
  }
}

/** The largest oplog entry mongod writes for a transaction before splitting it (BSONObjMaxUserSize, 16 MiB). */
export const DEFAULT_TXN_ENTRY_MAX_BYTES = 16 * 1024 * 1024;

/** Open and finished transactions per session (the latest txnNumber only, as config.transactions keeps). */
export class TransactionTable {
  private readonly txns = new Map<string, Transaction>();
  /** serverStatus.transactions totals. */
  readonly totals = { started: 0, committed: 0, aborted: 0 };

  /** The transaction a command with autocommit:false runs in; startTransaction opens a new one. */
  forCommand(cmd: Document): Transaction {
    const key = SessionTable.keyOf(cmd.lsid);
    if (key === null || cmd.txnNumber === undefined) throw new CommandError('InvalidOptions', 'a transaction needs a session (lsid) and a txnNumber');
    const n = toNumber(cmd.txnNumber);
    const current = this.txns.get(key);
    if (cmd.startTransaction === true) {
      if (current && toNumber(current.txnNumber) > n) throw new CommandError('TransactionTooOld', `Cannot start transaction ${n} on session because a newer transaction ${String(current.txnNumber)} has already started`);
      if (current && toNumber(current.txnNumber) === n) throw new CommandError('ConflictingOperationInProgress', `Cannot start transaction ${n} on session because it has already started`);
      if (current?.state === 'open') this.abort(current);
      const txn = new Transaction(cmd.lsid, cmd.txnNumber);
      this.totals.started++;
      this.txns.set(key, txn);
      return txn;
    }
    if (!current || toNumber(current.txnNumber) !== n) throw new CommandError('NoSuchTransaction', `Transaction with { txnNumber: ${n} } has been aborted.`, { errorLabels: ['TransientTransactionError'] });
    return current;
  }

  /** Every open transaction is aborted (a step-down or restart loses them, as on mongod). */
  abortAll(): void {
    for (const t of this.txns.values()) if (t.state === 'open') this.abort(t);
    this.txns.clear();
  }

  abort(t: Transaction): void {
    if (t.state === 'open') {
      t.rollback();
      this.totals.aborted++;
    }
    t.state = 'aborted';
  }

  committed(t: Transaction): void {
    t.state = 'committed';
    this.totals.committed++;
  }

  /** Open transactions (serverStatus currentOpen; all of them count as active between statements too). */
  get open(): number {
    let n = 0;
    for (const t of this.txns.values()) if (t.state === 'open') n++;
    return n;
  }
}

/**
 * Writes a committed transaction's oplog entries: one `applyOps` command on admin.$cmd when its operations
 * fit in one entry, else a chain of `partialTxn: true` entries and a final one with `count` (every entry
 * carries lsid, txnNumber and prevOpTime). An empty (read-only) transaction writes nothing.
 */
export function logCommit(set: ReplicaSet, m: Member, txn: Transaction, maxBytes: number): OpTime | null {
  if (txn.ops.length === 0) return null;
  const chunks: Document[][] = [[]];
  let size = 0;
  for (const op of txn.ops) {
    const n = serialize(op).length;
    if (size + n > maxBytes && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1].push(op);
    size += n;
  }
  let last: OpTime | null = null;
  chunks.forEach((ops, i) => {
    const final = i === chunks.length - 1;
    const o: Document = { applyOps: ops };
    if (!final) o.partialTxn = true;
    else if (chunks.length > 1) o.count = txn.ops.length;
    last = set.logOp(m, { op: 'c', ns: 'admin.$cmd', o, lsid: txn.lsid, txnNumber: txn.txnNumber });
  });
  return last;
}

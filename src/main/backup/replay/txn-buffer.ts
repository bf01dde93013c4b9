import type { Document, Timestamp } from 'bson';
import { DeskError } from '../../../shared/errors';
import { compareTs } from '../../connectors/oplog-ts';
import type { TxnMeta } from './entry-kind';

/**
 * Multi-document transactions as the oplog records them (MongoDB 4.2+): a small one is one "c" entry whose
 * applyOps holds every operation; a large one is a chain of `partialTxn: true` entries and a final applyOps
 * (with `count`); a prepared one ends with a separate commitTransaction or abortTransaction entry. Nothing
 * is applied before the commit; an aborted transaction is dropped. Each open transaction remembers the
 * position just before its first entry, so an interrupted replay resumes early enough to read it again.
 */
interface OpenTxn {
  ops: Document[];
  /** The last position that is safe to record while this transaction is open. */
  before: string | null;
  firstTs: string;
}

export class TxnBuffer {
  private readonly open = new Map<string, OpenTxn>();

  /** Adds a transaction entry; returns the operations to apply now (the transaction committed) or null. */
  add(meta: TxnMeta, e: Document, ts: string, before: string | null): Document[] | null {
    const inner = ((e.o as Document)?.applyOps as Document[] | undefined) ?? [];
    if (meta.abort) {
      this.open.delete(meta.id);
      return null;
    }
    let t = this.open.get(meta.id);
    if (!t && (meta.commit || chained(e)))
      throw new DeskError(
        'REPLAY_TXN_SPLIT',
        `The transaction ending at ${ts} began in an earlier slice whose replay ended with it open: its first operations are not here, so it cannot be applied whole. Take a new baseline.`,
      );
    if (!t && (meta.partial || meta.prepare || meta.commit)) {
      t = { ops: [], before, firstTs: ts };
      this.open.set(meta.id, t);
    }
    const ops = t ? t.ops : [];
    ops.push(...inner);
    if (meta.commit || (!meta.partial && !meta.prepare)) {
      this.open.delete(meta.id);
      return ops;
    }
    return null;
  }

  get size(): number {
    return this.open.size;
  }

  /** The position to record at most while transactions are open (null: no cap; undefined: nothing safe). */
  cap(): { capped: boolean; ts: string | null } {
    let earliest: OpenTxn | null = null;
    for (const t of this.open.values()) if (!earliest || compareTs(t.firstTs, earliest.firstTs) < 0) earliest = t;
    return earliest ? { capped: true, ts: earliest.before } : { capped: false, ts: null };
  }

}

/** A transaction entry that continues an earlier one: its prevOpTime points at a real entry. */
function chained(e: Document): boolean {
  const prev = e.prevOpTime as { ts?: Timestamp } | undefined;
  return !!prev?.ts && (prev.ts.t !== 0 || prev.ts.i !== 0);
}

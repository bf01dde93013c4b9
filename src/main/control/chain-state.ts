import { Timestamp } from 'bson';
import type { Document, MongoClient } from 'mongodb';
import { CONTROL_DATABASE } from './names';
import { textToTs, tsToText } from '../connectors/oplog-ts';
import { fenceOp } from './data-fence';
import { leaseLost, type HeldLease } from './lease';
import { controlCollection, isDuplicateKey } from './majority';

/**
 * The chain head as a replica set knows it. On the target it is authoritative for what was applied; on the
 * source for what was captured. Every write names the writer's lease term: a newer term fences an older
 * holder out, and the applied position only moves forward, so a repeated batch report is a no-op.
 */
export interface ChainDoc {
  _id: string;
  chainId: string;
  /** The highest lease term that wrote here: writes with a lower one are refused. */
  term: number;
  baselineTs: Timestamp | null;
  capturedSeq: number | null;
  capturedTs: Timestamp | null;
  shippedSeq: number | null;
  appliedSeq: number | null;
  /** The last entry applied (may lie inside the slice after appliedSeq). */
  appliedTs: Timestamp | null;
  /** DC wall time of that entry (ms), for RPO. */
  appliedWall: Date | null;
  /** Manifest sha256 (and the manifest itself) of the last slice fully applied: the next slice links to it. */
  headManifestSha256: string | null;
  headManifest: string | null;
  startedAt: Date;
  updatedAt: Date;
  by: string;
}

export type PositionWrite = { kind: 'moved' } | { kind: 'repeat'; appliedTs: string };

export class ChainState {
  constructor(
    private readonly client: MongoClient,
    readonly pipeline: string,
  ) {}

  private get coll() {
    return controlCollection<ChainDoc>(this.client, 'chain');
  }

  async read(): Promise<ChainDoc | null> {
    return this.coll.findOne({ _id: this.pipeline });
  }

  /**
   * Raises the chain document's term to the lease's right after an acquisition: from then on every write of
   * an older term is refused. LEASE_LOST when a newer term already wrote.
   */
  async fence(held: HeldLease, by: string): Promise<ChainDoc | null> {
    const r = await this.coll.findOneAndUpdate({ _id: this.pipeline, term: { $lte: held.term } }, { $set: { term: held.term, by } }, { returnDocument: 'after' });
    if (r) return r;
    const doc = await this.read();
    if (doc) throw leaseLost(this.pipeline, `term ${doc.term} already wrote the chain, after this holder's term ${held.term}`);
    return null;
  }

  /** A new chain replaces the old one on this replica set (a baseline or an anchor starts). */
  async startChain(held: HeldLease, chainId: string, baselineTs: string | null, by: string): Promise<void> {
    const now = new Date();
    const doc: Omit<ChainDoc, '_id'> = {
      chainId,
      term: held.term,
      baselineTs: baselineTs ? textToTs(baselineTs) : null,
      capturedSeq: null,
      capturedTs: null,
      shippedSeq: null,
      appliedSeq: null,
      appliedTs: null,
      appliedWall: null,
      headManifestSha256: null,
      headManifest: null,
      startedAt: now,
      updatedAt: now,
      by,
    };
    try {
      const r = await this.coll.replaceOne({ _id: this.pipeline, term: held.term }, doc, { upsert: true });
      if (r.matchedCount === 0 && r.upsertedCount === 0) throw leaseLost(this.pipeline, 'a newer term owns the chain');
    } catch (err) {
      // The upsert found a document of another term and tried to insert a second one with the same _id.
      if (isDuplicateKey(err)) throw leaseLost(this.pipeline, 'a newer term owns the chain');
      throw err;
    }
  }

  /**
   * Records that every entry up to `ts` of chain `chainId` is applied. Forward only: a position before the
   * recorded one is a repeat and changes nothing. LEASE_LOST when the term or the chain is no longer ours.
   */
  async recordApplied(held: HeldLease, chainId: string, ts: string, wall: number | null): Promise<PositionWrite> {
    const at = textToTs(ts);
    // Equal counts as ours: the batch's own applyOps already moved the position there (positionOp), and
    // this write is then only the term check, in one round trip (the document before tells a repeat).
    const before = await this.coll.findOneAndUpdate(
      { _id: this.pipeline, term: held.term, chainId, $or: [{ appliedTs: null }, { appliedTs: { $lte: at } }] },
      { $set: { appliedTs: at, updatedAt: new Date(), ...(wall !== null ? { appliedWall: new Date(wall) } : {}) } },
      { returnDocument: 'before', projection: { appliedTs: 1 } },
    );
    if (before) return before.appliedTs && before.appliedTs.equals(at) ? { kind: 'repeat', appliedTs: ts } : { kind: 'moved' };
    return this.why(held, chainId);
  }

  /**
   * The applied position as an oplog update entry, for the applyOps that carries the batch it completes:
   * data and position land in one command, so a holder killed between the batch and the next write leaves
   * DR's position already past that batch (its resume repeats nothing). The term-checked recordApplied
   * that follows keeps the fencing.
   */
  positionOp(ts: string): Document {
    return { op: 'u', ns: `${CONTROL_DATABASE}.chain`, o2: { _id: this.pipeline }, o: { $v: 2, diff: { u: { appliedTs: textToTs(ts), updatedAt: new Date() } } } };
  }

  /** The first entry of each batch of the holder's term: refused by DR once a newer term took over. */
  fenceOp(held: HeldLease): Document {
    return fenceOp(this.pipeline, held.term);
  }

  /** A slice is fully applied: it becomes the head the next slice links to. */
  async recordSliceApplied(held: HeldLease, chainId: string, seq: number, toTs: string, manifestSha256: string, manifest: string, wall: number | null): Promise<PositionWrite> {
    const at = textToTs(toTs);
    const r = await this.coll.updateOne(
      { _id: this.pipeline, term: held.term, chainId, $or: [{ appliedSeq: null }, { appliedSeq: { $lt: seq } }] },
      {
        $set: { appliedSeq: seq, headManifestSha256: manifestSha256, headManifest: manifest, updatedAt: new Date(), ...(wall !== null ? { appliedWall: new Date(wall) } : {}) },
        $max: { appliedTs: at },
      },
    );
    if (r.matchedCount) return { kind: 'moved' };
    return this.why(held, chainId);
  }

  /** Captured or shipped counters (source's copy and target's copy respectively), forward only. */
  async recordProgress(held: HeldLease, chainId: string, field: 'capturedSeq' | 'shippedSeq', seq: number, ts?: string): Promise<PositionWrite> {
    const r = await this.coll.updateOne(
      { _id: this.pipeline, term: { $lte: held.term }, chainId, $or: [{ [field]: null }, { [field]: { $lt: seq } }] },
      { $set: { [field]: seq, term: held.term, updatedAt: new Date(), ...(ts && field === 'capturedSeq' ? { capturedTs: textToTs(ts) } : {}) } },
    );
    if (r.matchedCount) return { kind: 'moved' };
    return this.why(held, chainId);
  }

  private async why(held: HeldLease, chainId: string): Promise<PositionWrite> {
    const doc = await this.read();
    if (!doc) throw leaseLost(this.pipeline, 'the chain document is gone');
    if (doc.term !== held.term && doc.term > held.term) throw leaseLost(this.pipeline, `term ${doc.term} took over from term ${held.term}`);
    if (doc.chainId !== chainId) throw leaseLost(this.pipeline, `the replica set follows chain ${doc.chainId} now, not ${chainId}`);
    return { kind: 'repeat', appliedTs: doc.appliedTs ? tsToText(doc.appliedTs) : '' };
  }
}

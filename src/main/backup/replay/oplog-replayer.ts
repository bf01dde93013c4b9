import { calculateObjectSize, UUID, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import { compareTs, tsToText } from '../../connectors/oplog-ts';
import { fenceRefusal, stoppedAtFence } from '../../control/data-fence';
import { checkAborted } from '../scheduler';
import { classify, commandName } from './entry-kind';
import { TxnBuffer } from './txn-buffer';

/**
 * Replays DC oplog entries on DR's primary the way `mongorestore --oplogReplay` does, in order:
 * - `ui` is stripped (DR's collections have their own UUIDs; a real server refuses a foreign one, 3318200);
 * - inserts, updates and deletes go in applyOps batches kept under the 16 MiB BSON limit and a count;
 * - DDL runs one entry at a time, index builds as createIndexes / dropIndexes commands (refused in applyOps);
 * - transactions are applied at their commit, dropped on abort;
 * - every write carries w:"majority": a position is recorded only once a majority holds what it covers.
 * The recorded position is the last entry that really applied (from applyOps' `results`), capped before the
 * first entry of any transaction still open, so a resumed replay reads that transaction again.
 */
/**
 * Commands the replay runs as themselves (or dropDatabase, which must be alone in an applyOps): the fence goes
 * first on its own. Every other command goes through applyOps with the fence entry ahead of it.
 */
const SENT_WITHOUT_FENCE = new Set(['createIndexes', 'commitIndexBuild', 'dropIndexes', 'deleteIndex', 'deleteIndexes', 'dropIndex', 'collMod', 'convertToCapped', 'dropDatabase']);

export interface ReplayOptions {
  signal?: AbortSignal;
  /** Skip entries up to and including this position (an interrupted earlier attempt applied them). */
  resumeAfterTs?: string | null;
  /** Every entry up to and including `ts` is applied on DR and acknowledged by a majority. */
  onApplied?: (ts: string) => void | Promise<void>;
  /** Upsert updates of documents the copy never saw (the baseline's own replay, as initial sync does). */
  upsertUpdates?: boolean;
  maxBatchEntries?: number;
  maxBatchBytes?: number;
  /** An op sent in the same applyOps as a CRUD batch, recording the position it completes with the data. */
  positionOp?: (ts: string) => Document;
  /** The first entry of every CRUD batch: DR refuses the batch there once a newer lease term took over. */
  fenceOp?: () => Document;
}

const MAJORITY = { w: 'majority', wtimeout: 60_000 } as const;
/** The server's maxBsonObjectSize is 16 MiB; the command envelope (applyOps, writeConcern, lsid, $db) needs room. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const MAX_BATCH_ENTRIES = 1000;

interface Pending {
  op: Document;
  /** The position this op completes, or null when a later op of the same transaction completes it. */
  doneTs: string | null;
  source: Document;
}

function describe(e: Document): string {
  const ts = e.ts ? tsToText(e.ts) : '?';
  return `${ts} (op "${String(e.op)}" on ${String(e.ns)}${e.op === 'c' ? `, ${commandName(e)}` : ''})`;
}

function withoutUi(e: Document): Document {
  const { ui: _ui, ...rest } = e;
  return rest;
}

/** The server's reply fields on a failed applyOps (the driver copies them onto the error). */
/** The term's fence entry alone (before a write that cannot carry it): refused once a newer term dropped the fence. */
export async function probeFence(dr: MongoClient, fence: Document | undefined): Promise<void> {
  if (!fence) return;
  try {
    await dr.db('admin').command({ applyOps: [fence], writeConcern: MAJORITY });
  } catch (err) {
    if (stoppedAtFence(err, fence, failedResults(err))) throw await fenceRefusal(dr, fence);
    throw err;
  }
}

export function failedResults(err: unknown): boolean[] | null {
  const e = err as { results?: unknown; errorResponse?: { results?: unknown } };
  const r = e?.errorResponse?.results ?? e?.results;
  return Array.isArray(r) ? r.map(Boolean) : null;
}

export class OplogReplayer {
  private batch: Pending[] = [];
  private batchBytes = 0;
  private readonly txns = new TxnBuffer();
  /** The last consumed entry whose effects are all sent (applied once the batch is). */
  private consumedTs: string | null = null;
  private recordedTs: string | null = null;
  applied = 0;
  lastWall: number | null = null;

  constructor(
    private readonly dr: MongoClient,
    private readonly opts: ReplayOptions = {},
  ) {}

  /** One entry from the archive, in oplog order. */
  async add(e: Document): Promise<void> {
    if (!e.ts) throw new DeskError('REPLAY_ENTRY_INVALID', `An oplog entry without a ts reached the replay: ${JSON.stringify(e).slice(0, 200)}. The slice is damaged; take a new baseline.`);
    const ts = tsToText(e.ts);
    if (this.opts.resumeAfterTs && compareTs(ts, this.opts.resumeAfterTs) <= 0) return;
    if (e.wall instanceof Date) this.lastWall = e.wall.getTime();
    const before = this.consumedTs;
    const kind = classify(e);
    switch (kind.kind) {
      case 'skip':
        break;
      case 'unsupported':
        await this.sendBatch();
        throw new DeskError('REPLAY_UNSUPPORTED', `DR cannot replay oplog entry ${describe(e)}: ${kind.why}. The chain stops here, before it; nothing after it was applied.`);
      case 'crud':
        await this.queue(e, ts);
        break;
      case 'command':
        await this.command(e, ts);
        break;
      case 'txn': {
        const ops = this.txns.add(kind.txn, e, ts, before);
        if (ops) await this.applyNested(ops, ts, e);
        break;
      }
    }
    this.consumedTs = ts;
  }

  /** Operations inside a committed transaction or a DC-side applyOps: each classified like a top-level entry. */
  private async applyNested(ops: Document[], ts: string, outer: Document): Promise<void> {
    for (const [i, raw] of ops.entries()) {
      const inner = { ...raw, ts: outer.ts, ...(outer.wall ? { wall: outer.wall } : {}) };
      const last = i === ops.length - 1;
      const kind = classify(inner);
      if (kind.kind === 'crud') await this.queue(inner, last ? ts : null);
      else if (kind.kind === 'command') await this.command(inner, last ? ts : null);
      else if (kind.kind === 'unsupported')
        throw new DeskError('REPLAY_UNSUPPORTED', `DR cannot replay operation ${i} of ${describe(outer)}: ${kind.why}. The chain stops before that entry.`);
    }
  }

  private async queue(e: Document, doneTs: string | null): Promise<void> {
    const op = withoutUi(e);
    if (this.opts.upsertUpdates && op.op === 'u') op.b = true;
    const size = calculateObjectSize(op);
    const maxBytes = this.opts.maxBatchBytes ?? MAX_BATCH_BYTES;
    if (this.batch.length && (this.batchBytes + size > maxBytes || this.batch.length >= (this.opts.maxBatchEntries ?? MAX_BATCH_ENTRIES))) await this.sendBatch();
    this.batch.push({ op, doneTs, source: e });
    this.batchBytes += size;
  }

  /** A DDL entry: everything queued before it applies first, then the command alone. */
  private async command(e: Document, doneTs: string | null): Promise<void> {
    await this.sendBatch();
    checkAborted(this.opts.signal);
    const name = commandName(e);
    // A command sent on its own (not through applyOps with the fence ahead of it) is preceded by the fence
    // alone: a holder that lost its lease stops here too.
    if (SENT_WITHOUT_FENCE.has(name)) await this.fenceProbe();
    const o = e.o as Document;
    const ns = String(e.ns);
    const db = this.dr.db(ns.slice(0, ns.indexOf('.')));
    try {
      switch (name) {
        case 'applyOps':
          await this.applyNested((o.applyOps as Document[]) ?? [], doneTs ?? tsToText(e.ts), e);
          await this.sendBatch();
          return;
        case 'createIndexes': {
          const { createIndexes: coll, ...spec } = o;
          await db.command({ createIndexes: coll, indexes: [cleanIndexSpec(spec)], writeConcern: MAJORITY });
          break;
        }
        case 'commitIndexBuild':
          await db.command({ createIndexes: o.commitIndexBuild, indexes: ((o.indexes as Document[]) ?? []).map(cleanIndexSpec), writeConcern: MAJORITY });
          break;
        case 'dropIndexes':
        case 'deleteIndex':
        case 'deleteIndexes':
        case 'dropIndex':
          await db.command({ dropIndexes: o[name], index: o.index, writeConcern: MAJORITY }).catch((err: { codeName?: string }) => {
            // Idempotent replay: the index (or the collection) is already gone.
            if (err?.codeName !== 'IndexNotFound' && err?.codeName !== 'NamespaceNotFound') throw err;
          });
          break;
        case 'collMod': {
          const { index, ...rest } = o;
          if (index) await db.command({ collMod: o.collMod, index, writeConcern: MAJORITY });
          if (Object.keys(rest).length > 1) await this.applyAlone(e, rest);
          break;
        }
        case 'convertToCapped':
          // The user command itself: newer servers log a conversion as create + inserts + rename (capped_utils.cpp)
          // and their applyOps need not know this entry, while every version runs the command.
          await db.command({ convertToCapped: o.convertToCapped, size: o.size, ...(o.max !== undefined ? { max: o.max } : {}), writeConcern: MAJORITY });
          break;
        case 'renameCollection': {
          // A dropTarget naming the target's UUID means "drop the target"; DR's UUIDs differ from DC's.
          const fixed = { ...o, ...(o.dropTarget instanceof UUID ? { dropTarget: true } : {}) };
          await this.applyAlone(e, fixed);
          break;
        }
        default:
          await this.applyAlone(e, o);
      }
    } catch (err) {
      if (err instanceof DeskError) throw err;
      throw new DeskError('APPLY_FAILED', `DR refused oplog entry ${describe(e)}: ${(err as Error).message}. DR holds everything before it${this.recordedTs ? ` (recorded up to ${this.recordedTs})` : ''}; check DR's primary and run the cycle again.`);
    }
    this.applied++;
    if (doneTs) await this.record(doneTs);
  }

  /**
   * One command entry through applyOps without its ui, led by the term's fence (applyOps stops at the fence's
   * NamespaceNotFound before the command). dropDatabase must be an applyOps' only entry: the probe went first.
   */
  private async applyAlone(e: Document, o: Document): Promise<void> {
    const fence = commandName(e) === 'dropDatabase' ? undefined : this.opts.fenceOp?.();
    try {
      await this.dr.db('admin').command({ applyOps: [...(fence ? [fence] : []), { ...withoutUi(e), o }], writeConcern: MAJORITY });
    } catch (err) {
      if (stoppedAtFence(err, fence, failedResults(err))) throw await fenceRefusal(this.dr, fence!);
      throw err;
    }
  }

  private fenceProbe(): Promise<void> {
    return probeFence(this.dr, this.opts.fenceOp?.());
  }

  private async sendBatch(): Promise<void> {
    if (!this.batch.length) return;
    checkAborted(this.opts.signal);
    const pending = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const fence = this.opts.fenceOp?.();
    try {
      const completes = this.opts.positionOp ? [...pending].reverse().find((p) => p.doneTs)?.doneTs : undefined;
      await this.dr.db('admin').command({ applyOps: [...(fence ? [fence] : []), ...pending.map((p) => p.op), ...(completes ? [this.opts.positionOp!(completes)] : [])], writeConcern: MAJORITY });
    } catch (err) {
      const all = failedResults(err);
      // Stopped at the fence: nothing of the batch applied, and this holder must not send another.
      if (stoppedAtFence(err, fence, all)) throw await fenceRefusal(this.dr, fence!);
      const results = fence && all ? all.slice(1) : all;
      const ok = results ? results.findIndex((r) => !r) : 0;
      const appliedCount = ok < 0 ? (results?.length ?? 0) : ok;
      this.applied += appliedCount;
      const lastDone = [...pending.slice(0, appliedCount)].reverse().find((p) => p.doneTs)?.doneTs ?? null;
      if (lastDone) await this.record(lastDone);
      const failed = pending[Math.min(appliedCount, pending.length - 1)];
      throw new DeskError(
        'APPLY_FAILED',
        `DR refused oplog entry ${describe(failed.source)}: ${(err as Error).message}. ${appliedCount} of the batch's ${pending.length} entries before it applied; DR is recorded up to ${this.recordedTs ?? 'the previous position'}, and the next cycle resumes after it.`,
      );
    }
    this.applied += pending.length;
    const lastDone = [...pending].reverse().find((p) => p.doneTs)?.doneTs;
    if (lastDone) await this.record(lastDone);
  }

  /** Records a position, never past the start of a transaction still open, never backwards. */
  private async record(ts: string): Promise<void> {
    const cap = this.txns.cap();
    const at = cap.capped ? (cap.ts && compareTs(cap.ts, ts) < 0 ? cap.ts : cap.ts === null ? null : ts) : ts;
    if (!at || (this.recordedTs && compareTs(at, this.recordedTs) <= 0)) return;
    this.recordedTs = at;
    await this.opts.onApplied?.(at);
  }

  /** Sends what is queued and records the last consumed entry (skipped entries included). */
  async finish(): Promise<void> {
    await this.sendBatch();
    if (this.consumedTs) await this.record(this.consumedTs);
  }

}

/** An index spec as createIndexes takes it: the oplog's `v` and `ns` are not options. */
function cleanIndexSpec(spec: Document): Document {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'v' && k !== 'ns'));
}

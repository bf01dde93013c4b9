import { Long, calculateObjectSize, type Document } from 'bson';
import { CommandError } from './errors';
import type { InProgressOp } from './ops';

/** A reply must stay under maxBsonObjectSize: batches stop at the count or near 16 MiB, whichever first. */
const BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/** Removes and returns the next batch from the front of docs. */
function takeBatch(docs: Document[], batchSize: number): Document[] {
  let bytes = 0;
  let n = 0;
  while (n < docs.length && n < batchSize) {
    bytes += calculateObjectSize(docs[n]);
    if (bytes > BATCH_BYTES && n > 0) break;
    n++;
  }
  return docs.splice(0, n);
}

interface OpenCursor {
  ns: string;
  remaining: Document[];
  lastUsed: number;
  created: number;
  returned: number;
  tail?: Tail;
}

/** A tailable cursor (on the oplog): refill fetches what arrived since the last batch. */
export interface Tail {
  refill(): Document[];
  awaitData: boolean;
}

/** Open cursors of one member; an idle cursor dies after 10 minutes, like cursorTimeoutMillis. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = 1n;
  /** Documents handed out in first and next batches (serverStatus metrics.document.returned). */
  returned = 0;
  static readonly IDLE_MS = 10 * 60_000;

  /** The first batch and the cursor id (0 when everything fit, or when singleBatch). */
  open(ns: string, docs: Document[], batchSize: number, singleBatch = false, tail?: Tail): Document {
    this.reap();
    const first = takeBatch(docs, batchSize);
    this.returned += first.length;
    if ((docs.length === 0 && !tail) || singleBatch) return { cursor: { firstBatch: first, id: Long.ZERO, ns }, ok: 1 };
    const id = this.nextId++;
    this.cursors.set(id.toString(), { ns, remaining: docs, lastUsed: Date.now(), created: Date.now(), returned: first.length, tail });
    return { cursor: { firstBatch: first, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  /** The next batch; a tailable awaitData cursor waits up to maxTimeMs for new entries. */
  async getMore(id: Long, ns: string, batchSize: number, maxTimeMs: number, op?: InProgressOp): Promise<Document> {
    const key = id.toString();
    const c = this.cursors.get(key);
    if (!c) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (c.ns !== ns) throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`);
    if (c.tail && c.remaining.length === 0) {
      const deadline = Date.now() + maxTimeMs;
      try {
        for (;;) {
          c.remaining.push(...c.tail.refill());
          if (c.remaining.length > 0 || !c.tail.awaitData || Date.now() >= deadline || !this.cursors.has(key)) break;
          const pause = new Promise((r) => setTimeout(r, Math.min(50, deadline - Date.now())));
          await (op ? op.race(pause) : pause);
        }
      } catch (err) {
        // A getMore that fails (killOp: Interrupted) takes its cursor with it, as on mongod.
        this.cursors.delete(key);
        throw err;
      }
    }
    const batch = takeBatch(c.remaining, batchSize);
    c.lastUsed = Date.now();
    c.returned += batch.length;
    this.returned += batch.length;
    const done = c.remaining.length === 0 && !c.tail;
    if (done) this.cursors.delete(key);
    return { cursor: { nextBatch: batch, id: done ? Long.ZERO : id, ns }, ok: 1 };
  }

  /** What currentOp shows of the cursor a getMore runs on. */
  origin(id: unknown): { created: number; lastUsed: number; returned: number; tailable: boolean; awaitData: boolean } | undefined {
    const c = id instanceof Long ? this.cursors.get(id.toString()) : undefined;
    return c && { created: c.created, lastUsed: c.lastUsed, returned: c.returned, tailable: c.tail !== undefined, awaitData: c.tail?.awaitData ?? false };
  }

  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  clear(): void {
    this.cursors.clear();
  }

  get size(): number {
    return this.cursors.size;
  }

  private reap(): void {
    const cutoff = Date.now() - CursorRegistry.IDLE_MS;
    for (const [k, c] of this.cursors) if (c.lastUsed < cutoff) this.cursors.delete(k);
  }
}

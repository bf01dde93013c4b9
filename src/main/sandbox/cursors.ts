import { Long, calculateObjectSize, type Document } from 'bson';
import { CommandError } from './errors';

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
}

/** Open cursors of one member; an idle cursor dies after 10 minutes, like cursorTimeoutMillis. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = 1n;
  static readonly IDLE_MS = 10 * 60_000;

  /** The first batch and the cursor id (0 when everything fit, or when singleBatch). */
  open(ns: string, docs: Document[], batchSize: number, singleBatch = false): Document {
    this.reap();
    const first = takeBatch(docs, batchSize);
    if (docs.length === 0 || singleBatch) return { cursor: { firstBatch: first, id: Long.ZERO, ns }, ok: 1 };
    const id = this.nextId++;
    this.cursors.set(id.toString(), { ns, remaining: docs, lastUsed: Date.now() });
    return { cursor: { firstBatch: first, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  getMore(id: Long, ns: string, batchSize: number): Document {
    const key = id.toString();
    const c = this.cursors.get(key);
    if (!c) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (c.ns !== ns) throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`);
    const batch = takeBatch(c.remaining, batchSize);
    c.lastUsed = Date.now();
    const done = c.remaining.length === 0;
    if (done) this.cursors.delete(key);
    return { cursor: { nextBatch: batch, id: done ? Long.ZERO : id, ns }, ok: 1 };
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

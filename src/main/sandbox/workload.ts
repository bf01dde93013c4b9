import { MongoClient, MongoWriteConcernError, ObjectId, type Document } from 'mongodb';
import type { Ledger } from './ledger';

export interface WorkloadOptions {
  /** mongodb:// URI of the DC set (replicaSet=...), with credentials when auth is on. */
  uri: string;
  /** How long a write waits for w:"majority" before it counts as acknowledged by the primary only. */
  wtimeoutMs?: number;
  /** Distinct incidents the updates spread over. */
  incidents?: number;
  /** Each write is one transaction: an event inserted and its incident upserted together (session.withTransaction). */
  transactions?: boolean;
}

const TICK_MS = 50;
const MAX_IN_FLIGHT = 1000;

/**
 * The SOAR application's write pattern against the DC primary, through the official driver: half inserts
 * into soar.events, half updates of soar.incidents (upserted, with a version counter). Each write asks for
 * w:"majority"; a write that times out waiting for the majority was still acknowledged by the primary and
 * is recorded as such. Writes are issued on a clock, not one after another, so a slow primary does not
 * lower the offered load (up to MAX_IN_FLIGHT outstanding).
 */
export class Workload {
  private client: MongoClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private credit = 0;
  private seq = 0;
  opsPerSec = 0;

  constructor(
    private readonly opts: WorkloadOptions,
    private readonly ledger: Ledger,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(opsPerSec: number): void {
    this.opsPerSec = opsPerSec;
    if (this.timer || opsPerSec <= 0) return;
    this.client ??= new MongoClient(this.opts.uri, { serverSelectionTimeoutMS: 30_000, retryWrites: true, maxPoolSize: 100, appName: 'soar-workload' });
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      this.credit = Math.min(this.credit + ((now - last) / 1000) * this.opsPerSec, this.opsPerSec);
      last = now;
      while (this.credit >= 1 && this.inFlight.size < MAX_IN_FLIGHT) {
        this.credit--;
        const p = this.writeOne().finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }, TICK_MS);
  }

  /**
   * Stops issuing writes and lets those in flight finish for up to drainMs (so the ledger is complete),
   * then closes the client, which fails whatever still waits (e.g. for a primary that is gone).
   */
  async stop(drainMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (drainMs > 0 && this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, drainMs)))]);
      clearTimeout(timer);
    }
    const c = this.client;
    this.client = null;
    await c?.close(true);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One transaction: an alert into soar.events and its incident's version bump in soar.incidents, committed
   * with w:"majority" (the oplog gets one applyOps entry carrying both). The ledger records the event.
   */
  private async writeTransaction(client: MongoClient, n: number): Promise<void> {
    const db = client.db('soar');
    const _id = new ObjectId();
    const inc = `INC-${String(n % (this.opts.incidents ?? 100)).padStart(4, '0')}`;
    const session = client.startSession();
    try {
      let majority = true;
      try {
        await session.withTransaction(
          async () => {
            await db.collection('events').insertOne({ _id, seq: n, type: 'alert', incident: inc, source: 'sandbox-workload', at: new Date() }, { session });
            await db.collection<{ _id: string }>('incidents').updateOne({ _id: inc }, { $inc: { version: 1 }, $set: { updatedAt: new Date(), lastSeq: n } }, { upsert: true, session });
          },
          { writeConcern: { w: 'majority', wtimeoutMS: this.opts.wtimeoutMs ?? 2000 } },
        );
      } catch (err) {
        if (!(err instanceof MongoWriteConcernError)) throw err;
        majority = false;
      }
      this.ledger.record(`soar.events/${_id.toHexString()}`, Date.now(), majority);
    } finally {
      await session.endSession();
    }
  }

  private async writeOne(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const db = client.db('soar');
    const wc = { writeConcern: { w: 'majority' as const, wtimeoutMS: this.opts.wtimeoutMs ?? 2000 } };
    const n = ++this.seq;
    try {
      if (this.opts.transactions) {
        await this.writeTransaction(client, n);
        return;
      }
      if (n % 2 === 1) {
        const _id = new ObjectId();
        const id = `soar.events/${_id.toHexString()}`;
        try {
          await db.collection('events').insertOne({ _id, seq: n, type: 'alert', severity: ['low', 'medium', 'high'][n % 3], source: 'sandbox-workload', at: new Date() }, wc);
          this.ledger.record(id, Date.now(), true);
        } catch (err) {
          if (!(err instanceof MongoWriteConcernError)) throw err;
          this.ledger.record(id, Date.now(), false);
        }
      } else {
        const inc = `INC-${String((n >> 1) % (this.opts.incidents ?? 100)).padStart(4, '0')}`;
        let doc: Document | null;
        let majority = true;
        try {
          doc = await db.collection<{ _id: string }>('incidents').findOneAndUpdate(
            { _id: inc },
            { $inc: { version: 1 }, $set: { status: n % 10 === 0 ? 'resolved' : 'open', updatedAt: new Date(), lastSeq: n } },
            { upsert: true, returnDocument: 'after', ...wc },
          );
        } catch (err) {
          if (!(err instanceof MongoWriteConcernError)) throw err;
          doc = ((err.result as Document | undefined)?.value as Document | null) ?? null;
          majority = false;
        }
        this.ledger.record(`soar.incidents/${inc}@${String(doc?.version ?? '?')}`, Date.now(), majority);
      }
    } catch {
      this.ledger.fail();
    }
  }
}

import { deserialize, type Timestamp } from 'bson';
import type { FindCursor, MongoClient } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import { CONTROL_DATABASE } from '../../control/names';
import { compareTs, textToTs, tsToText } from '../../connectors/oplog-ts';

/**
 * DC's oplog as a stream: a tailable awaitData cursor on local.oplog.rs from a position. The read starts AT
 * the position ($gte) and the first entry must be that position, so a rolled (or rolled-back) oplog is
 * detected instead of silently skipping entries. `next()` answers null when an await found nothing new:
 * the tailer is caught up with DC's head at that moment.
 */
export interface TailEntry {
  raw: Uint8Array;
  ts: Timestamp;
  wall: Date | null;
  /** An application write (not a no-op, not DR Desk's own site-local control state). */
  user: boolean;
  /** DR Desk's control state is site-local: never shipped. */
  control: boolean;
}

const CONTROL_NS_PREFIX = `${CONTROL_DATABASE}.`;
const STALL_MARGIN_MS = 3_000;

export function tailEntry(raw: Uint8Array): TailEntry {
  const d = deserialize(raw, { promoteValues: false, fieldsAsRaw: { o: true, o2: true } });
  const ns = typeof d.ns === 'string' ? d.ns : String(d.ns ?? '');
  const control = ns.startsWith(CONTROL_NS_PREFIX);
  return { raw, ts: d.ts as Timestamp, wall: d.wall instanceof Date ? d.wall : null, control, user: !control && d.op !== 'n' };
}

export function rolledError(message: string): DeskError {
  return new DeskError('OPLOG_ROLLED', message);
}

export class OplogTailer {
  private cursor: FindCursor<Uint8Array> | null = null;
  private started = false;
  /** The newest position read (the start position until the first entry after it arrives). */
  lastRead: string;

  constructor(
    private readonly dc: MongoClient,
    private from: string,
    private readonly opts: { awaitMs: number; batchSize?: number },
  ) {
    this.lastRead = from;
  }

  private open(): FindCursor<Uint8Array> {
    return this.dc
      .db('local')
      .collection('oplog.rs')
      .find({ ts: { $gte: textToTs(this.from) } }, { tailable: true, awaitData: true, raw: true, batchSize: this.opts.batchSize ?? 5_000, maxAwaitTimeMS: this.opts.awaitMs }) as unknown as FindCursor<Uint8Array>;
  }

  /** The next entry after the start position, or null when an await ended with nothing new. */
  async next(): Promise<TailEntry | null> {
    this.cursor ??= this.open();
    const raw = await this.read(this.cursor);
    if (!this.started) {
      if (!raw) {
        // Nothing at or after the position: either it rolled off with nothing newer, or the cursor died empty.
        await this.close();
        const still = await this.dc.db('local').collection('oplog.rs').findOne({ ts: textToTs(this.from) }, { projection: { ts: 1 } });
        if (!still) throw rolledError(`DC's oplog holds nothing at or after the last captured position ${this.from}: it was truncated or replaced, so the chain cannot continue.`);
        return null;
      }
      const first = tailEntry(raw);
      if (compareTs(tsToText(first.ts), this.from) !== 0)
        throw rolledError(
          `DC's oplog no longer holds the last captured position ${this.from} (the first entry at or after it is ${tsToText(first.ts)}): entries were lost before they could be captured, or DC rolled them back.`,
        );
      this.started = true;
      return this.next();
    }
    if (!raw) {
      // A tailable cursor the server closed (id 0) cannot be continued: reopen from the newest position read.
      if (this.cursor.closed || this.cursor.id?.isZero()) {
        await this.close();
        this.from = this.lastRead;
        this.started = false;
      }
      return null;
    }
    const e = tailEntry(raw);
    this.lastRead = tsToText(e.ts);
    return e;
  }

  /**
   * One read, bounded: a member that died without closing its sockets would otherwise leave the getMore
   * waiting until the driver's monitor notices (10 s and more); past the await time plus a margin the read
   * fails and the caller resumes on a new connection.
   */
  private async read(cursor: FindCursor<Uint8Array>): Promise<Uint8Array | null> {
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeskError('TAILER_STALLED', `DC's oplog gave no answer within ${this.opts.awaitMs + STALL_MARGIN_MS} ms: the tailer reconnects.`)), this.opts.awaitMs + STALL_MARGIN_MS);
    });
    const read = cursor.tryNext();
    // When the stall wins, the abandoned read still settles later (its connection closes): never unhandled.
    read.catch(() => undefined);
    try {
      return (await Promise.race([read, stall])) as Uint8Array | null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the cursor without waiting on a connection that may be dead. */
  async close(): Promise<void> {
    const c = this.cursor;
    this.cursor = null;
    if (!c) return;
    await Promise.race([c.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

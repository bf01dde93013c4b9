import { Long, Timestamp, deserialize, serialize, type Document } from 'bson';
import { ByteArena } from './byte-arena';

/** An oplog timestamp as one comparable number: seconds in the high 32 bits, increment in the low. */
export type OpTs = bigint;

export function tsToBig(ts: Timestamp): OpTs {
  return (BigInt(ts.t) << 32n) | BigInt(ts.i);
}

export function bigToTs(v: OpTs): Timestamp {
  return new Timestamp({ t: Number(v >> 32n), i: Number(v & 0xffffffffn) });
}

/** "seconds:increment", the way the shell prints Timestamp(seconds, increment). */
export function formatTs(v: OpTs): string {
  return `${Number(v >> 32n)}:${Number(v & 0xffffffffn)}`;
}

export interface OpTime {
  ts: OpTs;
  t: number;
}

export const NULL_OPTIME: OpTime = { ts: 0n, t: -1 };

/** OpTimes order by term first, then timestamp, as mongod compares them. */
export function compareOpTime(a: OpTime, b: OpTime): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0;
}

export function opTimeDoc(o: OpTime): Document {
  return { ts: bigToTs(o.ts), t: Long.fromNumber(o.t) };
}

/** One oplog entry kept as its BSON bytes: compact, immutable, shared between members without copying. */
export interface OplogSlot {
  ts: OpTs;
  t: number;
  wall: number;
  bytes: Buffer;
}

export function decodeSlot(slot: OplogSlot): Document {
  return deserialize(slot.bytes, { promoteValues: false });
}

/**
 * local.oplog.rs: a capped collection ordered by ts. When it holds more than maxBytes, the oldest entries
 * go, so the oplog window rolls over as on a real member.
 */
export class Oplog {
  private slots: OplogSlot[] = [];
  private head = 0;
  private bytes = 0;
  private readonly arena = new ByteArena();

  /**
   * The majority commit point of the set, when known: entries at or after it are never truncated, so the
   * oplog grows past its size rather than lose what a majority has not yet acknowledged (MongoDB 4.0+,
   * manual "Replica Set Oplog": the oplog can grow past its configured size limit to avoid deleting the
   * majority commit point).
   */
  retainFrom: (() => OpTs | null) | null = null;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.slots.length - this.head;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Appends an entry document (which must carry ts and t) and trims the oldest entries past the cap. */
  append(entry: Document): OplogSlot {
    const slot: OplogSlot = {
      ts: tsToBig(entry.ts as Timestamp),
      t: Number(entry.t),
      wall: entry.wall instanceof Date ? entry.wall.getTime() : Date.now(),
      bytes: this.arena.copy(serialize(entry)),
    };
    this.appendSlot(slot);
    return slot;
  }

  appendSlot(slot: OplogSlot): void {
    const last = this.last();
    if (last && slot.ts <= last.ts) throw new Error(`oplog entries must ascend: ${slot.ts} after ${last.ts}`);
    this.slots.push(slot);
    this.bytes += slot.bytes.length;
    const keep = this.bytes > this.maxBytes ? (this.retainFrom?.() ?? null) : null;
    while (this.bytes > this.maxBytes && this.size > 1) {
      if (keep !== null && this.slots[this.head].ts >= keep) break;
      this.bytes -= this.slots[this.head].bytes.length;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  first(): OplogSlot | undefined {
    return this.size > 0 ? this.slots[this.head] : undefined;
  }

  last(): OplogSlot | undefined {
    return this.size > 0 ? this.slots[this.slots.length - 1] : undefined;
  }

  lastOpTime(): OpTime {
    const l = this.last();
    return l ? { ts: l.ts, t: l.t } : NULL_OPTIME;
  }

  /** Index (absolute) of the first slot with ts > after (or >= when inclusive). */
  private lowerBound(after: OpTs, inclusive: boolean): number {
    let lo = this.head;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ts = this.slots[mid].ts;
      if (inclusive ? ts < after : ts <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entries after a timestamp, oldest first, at most `limit`. */
  since(after: OpTs, inclusive = false, limit = Infinity): OplogSlot[] {
    const start = this.lowerBound(after, inclusive);
    return this.slots.slice(start, Math.min(this.slots.length, start + limit));
  }

  find(ts: OpTs): OplogSlot | undefined {
    const i = this.lowerBound(ts, true);
    return i < this.slots.length && this.slots[i].ts === ts ? this.slots[i] : undefined;
  }

  /** Every slot, oldest first (a copy: callers may iterate while the oplog grows). */
  all(): OplogSlot[] {
    return this.slots.slice(this.head);
  }

  /** Removes every entry after ts, for rollback; returns what was removed. */
  truncateAfter(ts: OpTs): OplogSlot[] {
    const start = this.lowerBound(ts, false);
    const removed = this.slots.splice(start);
    for (const s of removed) this.bytes -= s.bytes.length;
    return removed;
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.bytes = 0;
  }
}

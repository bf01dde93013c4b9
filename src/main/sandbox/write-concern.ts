import type { Document } from 'bson';
import { CommandError } from './errors';
import type { Member } from './member';
import type { InProgressOp } from './ops';
import { compareOpTime, type OpTime } from './oplog';
import { toNumber } from './query/values';

export interface WriteConcernSpec {
  w: number | 'majority';
  wtimeoutMs: number;
}

export function parseWriteConcern(wc: unknown): WriteConcernSpec {
  if (!wc || typeof wc !== 'object') return { w: 1, wtimeoutMs: 0 };
  const doc = wc as Document;
  const w = doc.w === undefined ? 1 : doc.w === 'majority' ? 'majority' : toNumber(doc.w);
  if (typeof w === 'number' && (!Number.isInteger(w) || w < 0)) throw new CommandError('FailedToParse', `w has to be a non-negative number or "majority", got ${String(doc.w)}`);
  if (typeof doc.w === 'string' && doc.w !== 'majority') throw new CommandError('UnsatisfiableWriteConcern', `unrecognized write concern mode: ${doc.w}`);
  const wtimeout = doc.wtimeout ?? doc.wtimeoutMS;
  return { w, wtimeoutMs: wtimeout === undefined ? 0 : toNumber(wtimeout) };
}

interface Waiter {
  primary: Member;
  opTime: OpTime;
  need: number;
  resolve: (err: Document | null) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Holds writes until enough members have applied them (w:N or w:"majority"), or wtimeout passes.
 * `progress` tells how many data-bearing members, as the primary knows, have applied an optime.
 */
export class WriteConcernWaiters {
  private waiters: Waiter[] = [];

  constructor(private readonly progress: (primary: Member, opTime: OpTime) => number) {}

  /** Resolves to null when satisfied, or to a writeConcernError document. */
  wait(primary: Member, opTime: OpTime, need: number, wc: WriteConcernSpec, op?: InProgressOp): Promise<Document | null> {
    if (need <= 1 || this.progress(primary, opTime) >= need) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = { primary, opTime, need, resolve };
      // killOp or maxTimeMS during the wait: the write stays done and the reply carries the interruption as
      // its writeConcernError (mongod's waitForWriteConcern returns the status, service_entry_point_common.cpp).
      void op?.interrupted.then(() => {
        if (!this.waiters.includes(waiter)) return;
        this.remove(waiter);
        resolve(op.writeConcernError());
      });
      if (wc.wtimeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          resolve({
            code: 64,
            codeName: 'WriteConcernFailed',
            errmsg: 'waiting for replication timed out',
            errInfo: { wtimeout: true, writeConcern: { w: wc.w, wtimeout: wc.wtimeoutMs, provenance: 'clientSupplied' } },
          });
        }, wc.wtimeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Re-checks every waiter after replication progress. */
  check(): void {
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((w) => this.progress(w.primary, w.opTime) >= w.need);
    for (const w of done) {
      this.remove(w);
      w.resolve(null);
    }
  }

  /** A primary stepped down or died: its waiting writes end with the error mongod gives them. */
  interrupt(primary: Member): void {
    for (const w of this.waiters.filter((x) => x.primary === primary)) {
      this.remove(w);
      w.resolve({ code: 11602, codeName: 'InterruptedDueToReplStateChange', errmsg: 'operation was interrupted because of a replica set state change' });
    }
  }

  clear(): void {
    for (const w of this.waiters) if (w.timer) clearTimeout(w.timer);
    this.waiters = [];
  }

  private remove(w: Waiter): void {
    if (w.timer) clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
  }
}

export function appliedAtLeast(member: Member, opTime: OpTime): boolean {
  return compareOpTime(member.lastApplied(), opTime) >= 0;
}

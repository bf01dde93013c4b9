import type { Document } from 'bson';
import type { Member } from './member';
import { compareOpTime, decodeSlot, type OplogSlot } from './oplog';
import type { ReplicaSet } from './replica-set';
import { applyEntry } from './apply-oplog';

/** Entries applied per turn, so a long catch-up does not starve the event loop. */
const BATCH = 500;

/**
 * Secondaries pull from their sync source's oplog (the primary when reachable, else a fresher secondary),
 * apply each entry and append the same bytes to their own oplog. An injected lag holds entries back until
 * they are `lagMs` old, as secondaryDelaySecs does. A member whose last entry is not in the source's oplog
 * rolls back to the common point first; one that fell off the source's oplog window goes RECOVERING.
 */
export class Replicator {
  private pending = false;
  private readonly timers = new Map<Member, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly set: ReplicaSet) {}

  /** Schedules one pull round for every secondary (coalesced: many writes, one round). */
  kick(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (this.stopped) return;
      let progressed = false;
      for (const m of this.set.members) if (this.pull(m)) progressed = true;
      if (progressed) this.set.writeConcern.check();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  chooseSource(m: Member): Member | null {
    const primary = this.set.primary();
    if (primary && primary !== m && this.set.reachable(m, primary)) return primary;
    let best: Member | null = null;
    for (const o of this.set.members) {
      if (o === m || o.arbiter || !o.store || o.state !== 'SECONDARY' || !this.set.reachable(m, o)) continue;
      if (compareOpTime(o.lastApplied(), m.lastApplied()) <= 0) continue;
      if (!best || compareOpTime(o.lastApplied(), best.lastApplied()) > 0) best = o;
    }
    return best;
  }

  /** One pull round for one member; true when it applied something. */
  pull(m: Member): boolean {
    if (!m.alive || !m.store || m.state === 'PRIMARY' || m.state === 'REMOVED' || !this.set.inConfig(m)) return false;
    const source = this.chooseSource(m);
    const sourceName = source ? source.name : null;
    if (m.syncSource !== sourceName) m.syncSource = sourceName;
    if (!source || !source.store) return false;
    if (m.state === 'RECOVERING' && m.infoMessage.startsWith('too stale')) return false;

    const mine = m.store.oplog.last();
    if (mine) {
      const theirs = source.store.oplog.find(mine.ts);
      if (!theirs || theirs.t !== mine.t) {
        const first = source.store.oplog.first();
        if (!first || first.ts > mine.ts || !this.rollback(m, source)) {
          m.infoMessage = `too stale to catch up: our last optime is older than the oldest entry of ${source.name}'s oplog`;
          m.setState('RECOVERING');
          return false;
        }
      }
    }
    const after = m.store.oplog.last()?.ts ?? 0n;
    const slots = source.store.oplog.since(after, false, BATCH);
    const due = Date.now() - m.lagMs;
    let applied = 0;
    for (const slot of slots) {
      if (slot.wall > due) {
        this.retryAt(m, slot.wall + m.lagMs);
        break;
      }
      this.applySlot(m, slot);
      applied++;
    }
    if (applied > 0) m.metrics.replApply.batches++;
    if (applied === BATCH) this.kick();
    if (m.state === 'STARTUP2' || (m.state === 'RECOVERING' && !m.infoMessage.startsWith('too stale'))) {
      m.setState('SECONDARY');
    }
    return applied > 0;
  }

  private applySlot(m: Member, slot: OplogSlot): void {
    const entry = decodeSlot(slot);
    const result = applyEntry(m.store!, entry, true);
    m.store!.oplog.appendSlot(slot);
    m.lastAppliedWall = slot.wall;
    m.metrics.replApply.ops++;
    // The new primary's first entry of its term reaching a voter: electionParticipantMetrics.newTermAppliedDate.
    const vote = m.metrics.participant;
    if (vote && vote.newTermAppliedDate === null && entry.op === 'n' && slot.t === vote.term) vote.newTermAppliedDate = Date.now();
    m.metrics.replNetwork.ops++;
    m.metrics.replNetwork.bytes += slot.bytes.length;
    const op = entry.op as string;
    if (op === 'i') m.opcountersRepl.insert++;
    else if (op === 'u') m.opcountersRepl.update++;
    else if (op === 'd') m.opcountersRepl.delete++;
    else if (op === 'c') m.opcountersRepl.command++;
    recordSession(m, entry, entry.needsRetryImage === 'preImage' ? result.preImage : result.postImage);
  }

  private retryAt(m: Member, at: number): void {
    if (this.timers.has(m) || this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(m);
      if (this.pull(m)) this.set.writeConcern.check();
    }, Math.max(1, at - Date.now()));
    this.timers.set(m, t);
  }

  /**
   * Rollback via refetch (what mongod did before 4.0, and still the clearest): drop our entries after the
   * common point, then make every document they touched equal to the source's copy.
   */
  private rollback(m: Member, source: Member): boolean {
    m.metrics.lastStateTransition = 'rollback';
    const mineAll = m.store!.oplog.all();
    let common: OplogSlot | undefined;
    for (let i = mineAll.length - 1; i >= 0; i--) {
      const theirs = source.store!.oplog.find(mineAll[i].ts);
      if (theirs && theirs.t === mineAll[i].t) {
        common = mineAll[i];
        break;
      }
    }
    if (!common) return false;
    m.setState('ROLLBACK');
    const removed = m.store!.oplog.truncateAfter(common.ts);
    const touched = new Map<string, { ns: string; id: unknown }>();
    for (const slot of removed) {
      const e = decodeSlot(slot);
      const id = e.op === 'u' ? (e.o2 as Document)?._id : (e.o as Document)?._id;
      if ((e.op === 'i' || e.op === 'u' || e.op === 'd') && id !== undefined) touched.set(`${String(e.ns)}\u0000${JSON.stringify(id)}`, { ns: e.ns as string, id });
    }
    for (const { ns, id } of touched.values()) {
      const doc = source.store!.collection(ns)?.get(id) ?? null;
      if (doc) m.store!.ensureCollection(ns).coll.put(doc, false);
      else m.store!.collection(ns)?.remove(id);
    }
    m.sessions.clear();
    for (const slot of m.store!.oplog.all()) {
      const e = decodeSlot(slot);
      if (e.lsid !== undefined) recordSession(m, e, undefined);
    }
    m.rollbacks++;
    m.rolledBackOps += removed.length;
    m.lastAppliedWall = common.wall;
    m.infoMessage = `rolled back ${removed.length} oplog entries to ${common.ts}`;
    m.setState('RECOVERING');
    return true;
  }
}

/** Retryable-write bookkeeping from an oplog entry, so a retry on this member after failover is recognised. */
export function recordSession(m: Member, entry: Document, image: Document | null | undefined): void {
  if (entry.lsid === undefined || entry.txnNumber === undefined || entry.stmtId === undefined) return;
  const op = entry.op as 'i' | 'u' | 'd';
  const outcome: { op: 'i' | 'u' | 'd'; image?: Document | null; upsertedId?: unknown } = { op };
  if (entry.needsRetryImage !== undefined) outcome.image = image ?? null;
  if (op === 'i') outcome.upsertedId = (entry.o as Document)._id;
  try {
    m.sessions.record(entry.lsid, entry.txnNumber, entry.stmtId, outcome);
  } catch {
    // An older txnNumber than one already seen: nothing to record (mongod ignores it the same way).
  }
}

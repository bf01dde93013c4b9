import { createHash } from 'node:crypto';
import { Binary, Long, ObjectId, Timestamp, type Document } from 'bson';
import { electable, majorityVoteCount, writeMajorityCount, type ConfigMember } from './election-rules';
import { CommandError } from './errors';
import { Member, electionIdForTerm } from './member';
import type { Network } from './network';
import type { InProgressOp } from './ops';
import { compareOpTime, opTimeDoc, type OpTime } from './oplog';
import { SessionTable } from './sessions';
import { DEFAULT_TXN_ENTRY_MAX_BYTES } from './transactions';
import { Replicator } from './replication';
import type { Timing } from './timing';
import { WriteConcernWaiters, appliedAtLeast, type WriteConcernSpec } from './write-concern';

export interface ReplSetConfig {
  _id: string;
  version: number;
  term: number;
  members: ConfigMember[];
  replicaSetId: ObjectId;
}

/** The fields of an oplog entry a write supplies; logOp adds ts, t, v and wall. */
export interface OpEntry {
  op: 'i' | 'u' | 'd' | 'c' | 'n';
  ns: string;
  ui?: unknown;
  o: Document;
  o2?: Document;
  b?: boolean;
  lsid?: unknown;
  txnNumber?: unknown;
  stmtId?: number;
  needsRetryImage?: 'preImage' | 'postImage';
}

/** SHA-256 of the user name that owns the session: the empty name without authentication. */
const NO_AUTH_UID = new Binary(createHash('sha256').update('').digest());

/** The lsid as the primary records it: the driver's id plus the owner's uid (logical_session_id.cpp). */
function withUid(lsid: unknown): Document {
  const l = (lsid ?? {}) as Document;
  return { id: l.id, uid: l.uid ?? NO_AUTH_UID };
}

/** Listeners of state changes (the sandbox records elections for the control endpoint and the app). */
export type SetEvent = { type: 'elected' | 'steppedDown'; member: string; term: number; reason: string; at: number };

/**
 * One replica set: its config, its members, the oplog writer of its primary, write-concern waiting and
 * replication. Elections and heartbeats live in elections.ts and run on this object.
 */
export class ReplicaSet {
  config: ReplSetConfig;
  readonly replicator: Replicator;
  readonly writeConcern: WriteConcernWaiters;
  readonly events: SetEvent[] = [];
  /** The last oplog optime per (session, txnNumber), for prevOpTime. */
  private readonly sessionLastOp = new Map<string, OpTime>();
  /** Largest transaction oplog entry before the commit is split into partialTxn entries (tests lower it). */
  txnEntryMaxBytes = DEFAULT_TXN_ENTRY_MAX_BYTES;
  /** periodicNoopIntervalSecs in ms (mongod's default 10 s); read when the set's elections start. */
  noopIntervalMs = 10_000;

  constructor(
    readonly name: string,
    readonly members: Member[],
    readonly timing: Timing,
    readonly network: Network,
    priorities: Record<string, number>,
  ) {
    for (const m of members) if (m.store) m.store.oplog.retainFrom = () => this.commitPoint()?.opTime.ts ?? null;
    this.config = {
      _id: name,
      version: 1,
      term: 0,
      replicaSetId: new ObjectId(),
      members: members.map((m) => ({ _id: m.id, name: m.name, host: '', arbiterOnly: m.arbiter, priority: m.arbiter ? 0 : (priorities[m.name] ?? 1), votes: 1 })),
    };
    this.replicator = new Replicator(this);
    this.writeConcern = new WriteConcernWaiters((primary, opTime) => this.membersWithOpTime(primary, opTime, false));
  }

  /** Fills in hosts once every listener has its port. */
  setHosts(): void {
    for (const cm of this.config.members) cm.host = this.member(cm.name)!.host;
  }

  member(name: string): Member | undefined {
    return this.members.find((m) => m.name === name);
  }

  memberByHost(host: string): Member | undefined {
    return this.members.find((m) => m.host === host);
  }

  configMember(name: string): ConfigMember | undefined {
    return this.config.members.find((m) => m.name === name);
  }

  inConfig(m: Member): boolean {
    return this.configMember(m.name) !== undefined;
  }

  /** The live primary with the highest term (two can coexist briefly in a partition). */
  primary(): Member | undefined {
    let best: Member | undefined;
    for (const m of this.members) if (m.isPrimary && (!best || m.term > best.term)) best = m;
    return best;
  }

  /** Members talk to each other only when both are up and no partition separates them. */
  reachable(a: Member, b: Member): boolean {
    return a.alive && b.alive && this.network.connected(a.name, b.name);
  }

  isElectable(m: Member): boolean {
    return electable(this.configMember(m.name));
  }

  majorityVotes(): number {
    return majorityVoteCount(this.config.members);
  }

  writeMajority(): number {
    return writeMajorityCount(this.config.members);
  }

  /** Data-bearing members (counting only voters when votersOnly) the primary knows to have an optime. */
  membersWithOpTime(primary: Member, opTime: OpTime, votersOnly: boolean): number {
    let n = 0;
    for (const cm of this.config.members) {
      if (cm.arbiterOnly || (votersOnly && cm.votes === 0)) continue;
      const m = this.member(cm.name)!;
      if ((m === primary || this.reachable(primary, m)) && appliedAtLeast(m, opTime)) n++;
    }
    return n;
  }

  /** The majority commit point: the newest optime (and its wall time) a write-majority of data-bearing voters has applied. */
  commitPoint(): { opTime: OpTime; wall: number } | null {
    const primary = this.primary();
    if (!primary) return null;
    const applied = this.config.members
      .filter((cm) => !cm.arbiterOnly && cm.votes > 0)
      .map((cm) => this.member(cm.name)!)
      .filter((m) => m === primary || this.reachable(primary, m))
      .map((m) => ({ opTime: m.lastApplied(), wall: m.lastAppliedWall }))
      .sort((a, b) => compareOpTime(b.opTime, a.opTime));
    const need = this.writeMajority();
    return applied.length >= need ? applied[need - 1] : null;
  }

  /** Waits for a write's write concern; null when satisfied, else a writeConcernError document. */
  async awaitWriteConcern(primary: Member, opTime: OpTime, wc: WriteConcernSpec, op?: InProgressOp): Promise<Document | null> {
    if (wc.w === 0 || wc.w === 1) return null;
    const dataBearing = this.config.members.filter((m) => !m.arbiterOnly).length;
    const need = wc.w === 'majority' ? this.writeMajority() : wc.w;
    if (need > dataBearing) throw new CommandError('UnsatisfiableWriteConcern', `Not enough data-bearing nodes (w: ${wc.w}, data-bearing members: ${dataBearing})`);
    return this.writeConcern.wait(primary, opTime, need, wc, op);
  }

  /** The next oplog timestamp on a primary: seconds now, increment within the second. */
  private nextTimestamp(m: Member): Timestamp {
    const nowSec = Math.floor(Date.now() / 1000);
    const last = m.lastApplied().ts;
    const lastSec = Number(last >> 32n);
    const lastInc = Number(last & 0xffffffffn);
    return lastSec >= nowSec ? new Timestamp({ t: lastSec, i: lastInc + 1 }) : new Timestamp({ t: nowSec, i: 1 });
  }

  /** Writes an oplog entry on the primary, then lets secondaries pull it. */
  logOp(m: Member, e: OpEntry): OpTime {
    if (!m.store) throw new CommandError('NotWritablePrimary', 'not primary');
    const wall = new Date();
    const entry: Document = {};
    let sessionKey: string | null = null;
    if (e.lsid !== undefined) {
      entry.lsid = withUid(e.lsid);
      entry.txnNumber = e.txnNumber;
      sessionKey = `${SessionTable.keyOf(e.lsid)}\u0000${String(e.txnNumber)}`;
    }
    entry.op = e.op;
    entry.ns = e.ns;
    if (e.ui !== undefined) entry.ui = e.ui;
    entry.o = e.o;
    if (e.o2 !== undefined) entry.o2 = e.o2;
    if (e.b !== undefined) entry.b = e.b;
    if (e.stmtId !== undefined) entry.stmtId = e.stmtId;
    if (e.needsRetryImage) entry.needsRetryImage = e.needsRetryImage;
    entry.ts = this.nextTimestamp(m);
    entry.t = Long.fromNumber(m.term);
    entry.v = Long.fromNumber(2);
    entry.wall = wall;
    // prevOpTime chains the entries of one retryable write (or transaction) of a session; the first one
    // points at the null optime, as mongod writes it (op_observer_impl.cpp).
    if (sessionKey !== null) entry.prevOpTime = opTimeDoc(this.sessionLastOp.get(sessionKey) ?? { ts: 0n, t: -1 });
    const slot = m.store.oplog.append(entry);
    if (sessionKey !== null) this.sessionLastOp.set(sessionKey, { ts: slot.ts, t: slot.t });
    m.lastAppliedWall = slot.wall;
    this.replicator.kick();
    return { ts: slot.ts, t: slot.t };
  }

  becomePrimary(m: Member, reason: string): void {
    m.electionDate = Date.now();
    m.noPrimarySince = null;
    m.takeoverSince = null;
    m.syncSource = null;
    m.majoritySeenAt = Date.now();
    m.setState('PRIMARY');
    m.metrics.lastStateTransition = 'stepUp';
    this.config.term = m.term;
    this.logOp(m, { op: 'n', ns: '', o: { msg: 'new primary' } });
    this.events.push({ type: 'elected', member: m.name, term: m.term, reason, at: Date.now() });
  }

  stepDown(m: Member, seconds: number, reason: string): void {
    if (m.state !== 'PRIMARY') return;
    m.frozenUntil = Date.now() + seconds * 1000;
    m.noPrimarySince = null;
    m.setState('SECONDARY');
    // electionCandidateMetrics belong to the current primary; mongod clears them when it steps down.
    m.metrics.candidate = null;
    m.metrics.lastStateTransition = 'stepDown';
    m.transactions.abortAll();
    this.writeConcern.interrupt(m);
    this.events.push({ type: 'steppedDown', member: m.name, term: m.term, reason, at: Date.now() });
    this.replicator.kick();
  }

  electionId(m: Member): ObjectId {
    return electionIdForTerm(m.term);
  }

  /** Process death: the member stops answering; its data, term and oplog survive for a restart. */
  kill(m: Member): void {
    if (!m.alive) return;
    this.writeConcern.interrupt(m);
    if (m.state === 'PRIMARY') this.events.push({ type: 'steppedDown', member: m.name, term: m.term, reason: 'killed', at: Date.now() });
    m.alive = false;
    m.setState(m.arbiter ? 'ARBITER' : 'DOWN');
  }

  revive(m: Member): void {
    if (m.alive) return;
    m.alive = true;
    m.restart();
    if (!this.inConfig(m)) m.setState('REMOVED');
    this.replicator.kick();
  }

  /** replSetReconfig: a new config version for every member (members can be dropped, re-added, re-weighted). */
  reconfig(next: ReplSetConfig, force = false): void {
    this.config = next;
    for (const m of this.members) {
      if (!m.alive) continue;
      if (!this.inConfig(m)) {
        if (m.state === 'PRIMARY') this.writeConcern.interrupt(m);
        m.setState('REMOVED');
      } else if (m.state === 'REMOVED') m.setState(m.arbiter ? 'ARBITER' : 'STARTUP2');
      else m.bumpTopology();
    }
    // What the reconfiguring primary writes after a successful replSetReconfig, and only when it was not forced
    // (repl_set_commands.cpp, CmdReplSetReconfig::run: `if (status.isOK() && !parsedArgs.force)` → onOpMessage).
    const p = this.primary();
    if (p && !force) this.logOp(p, { op: 'n', ns: '', o: { msg: 'Reconfig set', version: next.version } });
    this.replicator.kick();
  }

  stop(): void {
    this.replicator.stop();
    this.writeConcern.clear();
  }
}

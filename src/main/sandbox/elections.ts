import { grantVote, priorityRank } from './election-rules';
import type { Member, PeerView } from './member';
import { ELECTION_REASON_NAMES, type ElectionReason } from './metrics';
import { NoopWriter } from './noop-writer';
import { compareOpTime, NULL_OPTIME, type OpTime } from './oplog';
import type { ReplicaSet } from './replica-set';

/**
 * Heartbeats and elections of one replica set (protocol version 1, as the manual describes it):
 * - every member heartbeats every other member each heartbeatIntervalMillis;
 * - a secondary that has had no primary in sight for electionTimeoutMillis plus a random offset (up to 15%)
 *   runs a dry run, then an election in a new term; voters (the arbiter too) grant one vote per term to a
 *   candidate at least as fresh as themselves; a majority of voting members elects;
 * - the timeout is counted from the heartbeat that first found the primary gone, so a killed primary is
 *   replaced 10–13.5 s after the kill with default timing (the manual's median: under 12 s);
 * - a primary that cannot see a majority for electionTimeoutMillis steps down; one that sees a higher term
 *   steps down; a caught-up member of higher priority takes over after (rank + 1) election timeouts.
 */
export class Elections {
  private timers: NodeJS.Timeout[] = [];
  readonly noops: NoopWriter;

  constructor(private readonly set: ReplicaSet) {
    this.noops = new NoopWriter(set, set.noopIntervalMs);
  }

  start(): void {
    this.noops.start();
    const hb = this.set.timing.heartbeatMs;
    for (const m of this.set.members) this.timers.push(setInterval(() => this.heartbeatFrom(m), hb));
    this.timers.push(setInterval(() => this.tick(), Math.max(20, Math.floor(hb / 20))));
  }

  stop(): void {
    this.noops.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Bootstraps an already-running set: one member primary in term 1, everyone aware of everyone. */
  bootstrap(primary: Member): void {
    for (const m of this.set.members) m.term = 1;
    primary.lastVoteTerm = 1;
    // A freshly initiated set's first primary shows the electionTimeout election of term 1 that made it primary,
    // and every other voter its vote (as replSetGetStatus does after replSetInitiate).
    const voters = this.set.members
      .filter((m) => m !== primary && (this.set.configMember(m.name)?.votes ?? 0) > 0)
      .map((voter) => ({ voter, granted: true, reason: '', lastApplied: voter.lastApplied() }));
    for (const v of voters) v.voter.lastVoteTerm = 1;
    primary.metrics.elections.electionTimeout.called++;
    this.recordVotes(primary, voters);
    this.recordWin(primary, 'electionTimeout', 'electionTimeout', Date.now(), { ts: 0n, t: -1 }, primary.lastApplied(), undefined);
    this.set.becomePrimary(primary, 'initial');
    this.markNewTerm(primary, voters);
    for (const m of this.set.members) this.heartbeatFrom(m);
  }

  /** One heartbeat round from a member to all others: refreshes its view, adopts higher terms. */
  heartbeatFrom(m: Member): void {
    if (!m.alive || !this.set.inConfig(m)) return;
    const now = Date.now();
    const knownPrimaryBefore = this.knownPrimary(m)?.name;
    for (const name of [...m.peers.keys()]) if (!this.set.configMember(name)) m.peers.delete(name);
    for (const p of this.set.members) {
      if (p === m || !this.set.inConfig(p)) continue;
      const prev = m.peers.get(p.name);
      if (this.set.reachable(m, p)) {
        const view: PeerView = {
          health: 1,
          state: p.state,
          optime: p.lastApplied(),
          optimeWall: p.lastAppliedWall,
          lastHeartbeat: now,
          lastHeartbeatRecv: now,
          // A slowed member answers heartbeats slowly too.
          pingMs: p.slowMs,
          lastHeartbeatMessage: '',
          upSince: p.upSince,
          syncSource: p.syncSource ? (this.set.member(p.syncSource)?.host ?? '') : '',
          electionDate: p.electionDate,
          term: p.term,
        };
        m.peers.set(p.name, view);
        if (p.term > m.term) this.adoptTerm(m, p.term, `saw term ${p.term} from ${p.name}`);
      } else {
        m.peers.set(p.name, {
          health: 0,
          state: 'DOWN',
          optime: NULL_OPTIME,
          optimeWall: 0,
          lastHeartbeat: now,
          lastHeartbeatRecv: prev?.lastHeartbeatRecv ?? 0,
          pingMs: 0,
          lastHeartbeatMessage: p.alive
            ? `Couldn't get a connection within the time limit of ${this.set.timing.electionTimeoutMs}ms (network partition between ${m.name} and ${p.name})`
            : `Error connecting to ${p.host} :: caused by :: Connection refused`,
          upSince: 0,
          syncSource: '',
          electionDate: 0,
          term: prev?.term ?? 0,
        });
      }
    }
    if (m.state === 'SECONDARY') {
      if (this.knownPrimary(m)) m.noPrimarySince = null;
      else if (m.noPrimarySince === null) this.startElectionTimer(m, now);
    }
    if (this.knownPrimary(m)?.name !== knownPrimaryBefore) m.bumpTopology();
  }

  private startElectionTimer(m: Member, now: number): void {
    m.noPrimarySince = now;
    m.electionOffsetMs = Math.random() * this.set.timing.randomOffsetFraction * this.set.timing.electionTimeoutMs;
  }

  /** The primary this member believes in: itself, or a healthy peer reporting PRIMARY with the highest term. */
  knownPrimary(m: Member): Member | undefined {
    if (m.state === 'PRIMARY') return m;
    let best: { member: Member; term: number } | undefined;
    for (const [name, v] of m.peers) {
      if (v.health === 1 && v.state === 'PRIMARY' && (!best || v.term > best.term)) best = { member: this.set.member(name)!, term: v.term };
    }
    return best?.member;
  }

  private adoptTerm(m: Member, term: number, reason: string): void {
    m.term = term;
    if (m.state === 'PRIMARY') {
      m.metrics.numStepDownsCausedByHigherTerm++;
      this.set.stepDown(m, 0, reason);
    }
  }

  tick(): void {
    const now = Date.now();
    const { electionTimeoutMs, priorityTakeoverFreshnessMs } = this.set.timing;
    for (const m of this.set.members) {
      if (!m.alive || !this.set.inConfig(m)) continue;
      if (m.state === 'PRIMARY') {
        const visibleVoters = this.set.config.members.filter((cm) => cm.votes > 0 && (cm.name === m.name || m.peers.get(cm.name)?.health === 1)).length;
        if (visibleVoters >= this.set.majorityVotes()) m.majoritySeenAt = now;
        else if (now - m.majoritySeenAt >= electionTimeoutMs) this.set.stepDown(m, 0, 'could not see a majority of voting members');
        continue;
      }
      if (m.state !== 'SECONDARY' || !this.set.isElectable(m) || now < m.frozenUntil) continue;
      if (m.noPrimarySince !== null) {
        if (now - m.noPrimarySince >= electionTimeoutMs + m.electionOffsetMs) {
          if (!this.runElection(m, 'electionTimeout')) this.startElectionTimer(m, now);
        }
        continue;
      }
      const primary = this.knownPrimary(m);
      const me = this.set.configMember(m.name)!;
      const theirs = primary ? this.set.configMember(primary.name) : undefined;
      const view = primary ? m.peers.get(primary.name) : undefined;
      // Fresh enough: same term as the primary's last write and within the freshness window (mongod's
      // _amIFreshEnoughForPriorityTakeover), so a member with a diverged history never takes over.
      const fresh = view !== undefined && m.lastApplied().t === view.optime.t && m.lastAppliedWall >= view.optimeWall - priorityTakeoverFreshnessMs;
      if (primary && theirs && me.priority > theirs.priority && fresh) {
        if (m.takeoverSince === null) {
          m.takeoverSince = now;
          m.electionOffsetMs = Math.random() * this.set.timing.randomOffsetFraction * electionTimeoutMs;
        } else if (now - m.takeoverSince >= (priorityRank(this.set.config.members, m.name) + 1) * electionTimeoutMs + m.electionOffsetMs) {
          m.takeoverSince = null;
          this.runElection(m, 'priorityTakeover');
        }
      } else m.takeoverSince = null;
    }
  }

  /**
   * Dry run, then a real election in term + 1. True when the candidate became primary. The real election is
   * counted in serverStatus.electionMetrics (called, successful), each voter records its vote
   * (electionParticipantMetrics) and the winner its election (electionCandidateMetrics), as
   * replication_metrics.cpp does.
   */
  runElection(c: Member, reason: string): boolean {
    const majority = this.set.majorityVotes();
    const kind = electionKind(reason);
    const startedAt = Date.now();
    const priorPrimary = this.knownPrimary(c);
    const committedAtStart = this.set.commitPoint()?.opTime ?? NULL_OPTIME;
    const seenAtStart = c.lastApplied();
    const voters: { voter: Member; granted: boolean; reason: string; lastApplied: OpTime }[] = [];
    const count = (dryRun: boolean): number => {
      let votes = this.set.configMember(c.name)!.votes;
      const term = dryRun ? c.term + 1 : c.term;
      for (const cm of this.set.config.members) {
        if (cm.name === c.name || cm.votes === 0) continue;
        const v = this.set.member(cm.name)!;
        if (!this.set.reachable(c, v)) continue;
        const res = grantVote(
          { term: v.term, lastVoteTerm: v.lastVoteTerm, lastApplied: v.store ? v.lastApplied() : null },
          { term, candidateLastApplied: c.lastApplied(), dryRun: false },
        );
        if (!dryRun) {
          if (term > v.term) this.adoptTerm(v, term, `vote request from ${c.name} in term ${term}`);
          if (res.granted) v.lastVoteTerm = term;
          voters.push({ voter: v, granted: res.granted, reason: res.reason, lastApplied: v.store ? v.lastApplied() : NULL_OPTIME });
        }
        if (res.granted) votes += cm.votes;
      }
      return votes;
    };
    if (count(true) < majority) return false;
    c.term++;
    c.lastVoteTerm = c.term;
    c.metrics.elections[kind].called++;
    const won = count(false) >= majority;
    this.recordVotes(c, voters);
    if (!won) return false;
    this.recordWin(c, kind, reason === 'replSetStepUp' ? 'stepUpRequest' : ELECTION_REASON_NAMES[kind], startedAt, committedAtStart, seenAtStart, priorPrimary);
    this.set.becomePrimary(c, reason);
    this.markNewTerm(c, voters);
    for (const m of this.set.members) this.heartbeatFrom(m);
    return true;
  }

  private recordVotes(c: Member, voters: { voter: Member; granted: boolean; reason: string; lastApplied: OpTime }[]): void {
    const maxApplied = [c.lastApplied(), ...voters.map((v) => v.lastApplied)].reduce((a, b) => (compareOpTime(a, b) >= 0 ? a : b));
    const candidateId = this.set.configMember(c.name)?._id ?? c.id;
    for (const v of voters) {
      v.voter.metrics.participant = {
        votedForCandidate: v.granted,
        term: c.term,
        date: Date.now(),
        candidateMemberId: candidateId,
        voteReason: v.reason,
        lastAppliedOpTime: v.lastApplied,
        maxAppliedOpTimeInSet: maxApplied,
        priority: this.set.configMember(v.voter.name)?.priority ?? 0,
        newTermStartDate: null,
        newTermAppliedDate: null,
      };
    }
  }

  private recordWin(c: Member, kind: ElectionReason, reasonName: string, startedAt: number, committed: OpTime, seen: OpTime, priorPrimary: Member | undefined): void {
    c.metrics.elections[kind].successful++;
    c.metrics.numCatchUpsAlreadyCaughtUp++;
    c.metrics.candidate = {
      reason: kind,
      reasonName,
      date: startedAt,
      term: c.term,
      lastCommittedOpTime: committed,
      lastSeenOpTime: seen,
      numVotesNeeded: this.set.majorityVotes(),
      priority: this.set.configMember(c.name)?.priority ?? 0,
      electionTimeoutMillis: this.set.timing.electionTimeoutMs,
      priorPrimaryMemberId: priorPrimary && priorPrimary !== c ? (this.set.configMember(priorPrimary.name)?._id ?? null) : null,
      newTermStartDate: null,
      wMajorityWriteAvailabilityDate: null,
    };
  }

  /** The new primary has written its first entry of the term: the candidate's and the voters' newTermStartDate. */
  private markNewTerm(c: Member, voters: { voter: Member }[]): void {
    const now = Date.now();
    const cand = c.metrics.candidate;
    if (cand?.term === c.term) {
      cand.newTermStartDate = now;
      // w:majority writes are possible once the new term's first entry is majority-committed.
      const first = c.lastApplied();
      void this.set.awaitWriteConcern(c, first, { w: 'majority', wtimeoutMs: 0 }).then((err) => {
        if (!err && c.metrics.candidate === cand) cand.wMajorityWriteAvailabilityDate = Date.now();
      }, () => undefined);
    }
    for (const v of voters) if (v.voter.metrics.participant?.term === c.term && v.voter.metrics.participant.votedForCandidate) v.voter.metrics.participant.newTermStartDate = now;
  }

  /** replSetStepDown's hand-off: the freshest electable secondary runs for election at once. */
  nominateSuccessor(old: Member): void {
    const candidates = this.set.members
      .filter((m) => m !== old && m.alive && m.state === 'SECONDARY' && this.set.isElectable(m) && Date.now() >= m.frozenUntil && this.set.reachable(old, m))
      .sort((a, b) => (a.lastApplied().ts < b.lastApplied().ts ? 1 : -1));
    if (candidates[0]) this.runElection(candidates[0], 'stepUpRequestSkipDryRun');
  }
}

/** The serverStatus.electionMetrics counter an election reason belongs to. */
function electionKind(reason: string): ElectionReason {
  if (reason === 'priorityTakeover') return 'priorityTakeover';
  if (reason === 'catchUpTakeover') return 'catchUpTakeover';
  if (reason === 'stepUpRequestSkipDryRun' || reason === 'replSetStepUp') return 'stepUpCmd';
  return 'electionTimeout';
}

import type { OpTime } from './oplog';

/** Why an election was called, with the names serverStatus.electionMetrics uses (replication_metrics.idl). */
export type ElectionReason = 'stepUpCmd' | 'priorityTakeover' | 'catchUpTakeover' | 'electionTimeout' | 'freezeTimeout';

/** The reason string replSetGetStatus.electionCandidateMetrics.lastElectionReason shows (StartElectionReasonEnum). */
export const ELECTION_REASON_NAMES: Record<ElectionReason, string> = {
  stepUpCmd: 'stepUpRequestSkipDryRun',
  priorityTakeover: 'priorityTakeover',
  catchUpTakeover: 'catchupTakeover',
  electionTimeout: 'electionTimeout',
  freezeTimeout: 'freezeTimeout',
};

/** The last election this member won, as replSetGetStatus.electionCandidateMetrics reports it. */
export interface CandidateMetrics {
  reason: ElectionReason;
  /** lastElectionReason as mongod names it (StartElectionReasonEnum: electionTimeout, stepUpRequest, ...). */
  reasonName: string;
  date: number;
  term: number;
  lastCommittedOpTime: OpTime;
  lastSeenOpTime: OpTime;
  numVotesNeeded: number;
  priority: number;
  electionTimeoutMillis: number;
  priorPrimaryMemberId: number | null;
  newTermStartDate: number | null;
  wMajorityWriteAvailabilityDate: number | null;
}

/** The last election this member voted in, as replSetGetStatus.electionParticipantMetrics reports it. */
export interface ParticipantMetrics {
  votedForCandidate: boolean;
  term: number;
  date: number;
  candidateMemberId: number;
  voteReason: string;
  lastAppliedOpTime: OpTime;
  maxAppliedOpTimeInSet: OpTime;
  priority: number;
  newTermStartDate: number | null;
  newTermAppliedDate: number | null;
}

/** Counters behind serverStatus (metrics, network, transactions, electionMetrics) and replSetGetStatus's election metrics. */
export class MemberMetrics {
  document = { inserted: 0, updated: 0, deleted: 0, returned: 0 };
  commands = new Map<string, { total: number; failed: number }>();
  network = { bytesIn: 0, bytesOut: 0, numRequests: 0 };
  replApply = { ops: 0, batches: 0 };
  replNetwork = { ops: 0, bytes: 0 };
  transactions = { started: 0, committed: 0, aborted: 0 };
  elections: Record<ElectionReason, { called: number; successful: number }> = {
    stepUpCmd: { called: 0, successful: 0 },
    priorityTakeover: { called: 0, successful: 0 },
    catchUpTakeover: { called: 0, successful: 0 },
    electionTimeout: { called: 0, successful: 0 },
    freezeTimeout: { called: 0, successful: 0 },
  };
  numStepDownsCausedByHigherTerm = 0;
  /** serverStatus.metrics.repl.stateTransition.lastStateTransition: "stepUp", "stepDown" or "rollback". */
  lastStateTransition = '';
  /** Elections won: the sandbox's new primary is caught up at once (it only wins when as fresh as a majority). */
  numCatchUpsAlreadyCaughtUp = 0;
  candidate: CandidateMetrics | null = null;
  participant: ParticipantMetrics | null = null;

  command(name: string, failed: boolean): void {
    let c = this.commands.get(name);
    if (!c) this.commands.set(name, (c = { total: 0, failed: 0 }));
    c.total++;
    if (failed) c.failed++;
  }
}

import { compareOpTime, type OpTime } from './oplog';

/** The replica-set rules of the manual (protocol version 1), as pure functions. */
export interface ConfigMember {
  _id: number;
  name: string;
  host: string;
  arbiterOnly: boolean;
  priority: number;
  votes: number;
}

export function votingMembers(members: ConfigMember[]): ConfigMember[] {
  return members.filter((m) => m.votes > 0);
}

/** Votes needed to elect a primary: a strict majority of voting members. */
export function majorityVoteCount(members: ConfigMember[]): number {
  return Math.floor(votingMembers(members).length / 2) + 1;
}

/**
 * Members that must have a write for w:"majority": the lesser of the voting majority and the number of
 * data-bearing voting members (manual: "Implicit Default Write Concern" / writeMajorityCount).
 */
export function writeMajorityCount(members: ConfigMember[]): number {
  const dataVoters = votingMembers(members).filter((m) => !m.arbiterOnly).length;
  return Math.min(majorityVoteCount(members), dataVoters);
}

export interface VoterState {
  term: number;
  lastVoteTerm: number;
  /** Null for an arbiter: it holds no data, so it cannot be fresher than a candidate. */
  lastApplied: OpTime | null;
}

export interface VoteRequest {
  term: number;
  candidateLastApplied: OpTime;
  dryRun: boolean;
}

/** replSetRequestVotes: grant when the term is new to this voter and the candidate is at least as fresh. */
export function grantVote(voter: VoterState, req: VoteRequest): { granted: boolean; reason: string } {
  if (req.term < voter.term) return { granted: false, reason: `candidate's term (${req.term}) is lower than mine (${voter.term})` };
  if (!req.dryRun && voter.lastVoteTerm >= req.term) return { granted: false, reason: `already voted in term ${req.term}` };
  if (req.dryRun && voter.lastVoteTerm >= req.term + 1) return { granted: false, reason: `already voted in term ${req.term + 1}` };
  if (voter.lastApplied && compareOpTime(req.candidateLastApplied, voter.lastApplied) < 0)
    return { granted: false, reason: "candidate's data is staler than mine" };
  return { granted: true, reason: '' };
}

/** Rank for priority takeover: how many electable members have a strictly higher priority. */
export function priorityRank(members: ConfigMember[], name: string): number {
  const me = members.find((m) => m.name === name);
  if (!me) return members.length;
  return members.filter((m) => !m.arbiterOnly && m.priority > me.priority).length;
}

export function electable(member: ConfigMember | undefined): boolean {
  return !!member && !member.arbiterOnly && member.priority > 0 && member.votes > 0;
}

import { CommandError } from '../errors';
import { Long, type Document } from 'bson';
import { STATE_CODES, type Member } from '../member';
import { bigToTs, NULL_OPTIME, type OpTime } from '../oplog';
import type { MemberRuntime } from './context';

/** replSetGetStatus and replSetGetConfig, with the manual's field names. */
function opTime(o: OpTime): Document {
  return { ts: bigToTs(o.ts), t: Long.fromNumber(o.t) };
}

function stateStr(state: keyof typeof STATE_CODES, health: number): string {
  return health === 0 ? '(not reachable/healthy)' : state;
}

function selfRow(rt: MemberRuntime): Document {
  const { member: m, set } = rt;
  const applied = m.lastApplied();
  const row: Document = {
    _id: m.id,
    name: m.host,
    health: 1,
    state: STATE_CODES[m.state],
    stateStr: m.state,
    uptime: Math.floor((Date.now() - m.upSince) / 1000),
  };
  if (m.store) Object.assign(row, { optime: opTime(applied), optimeDate: new Date(Math.floor(m.lastAppliedWall / 1000) * 1000), lastAppliedWallTime: new Date(m.lastAppliedWall), lastDurableWallTime: new Date(m.lastAppliedWall) });
  Object.assign(row, {
    syncSourceHost: m.syncSource ? set.member(m.syncSource)!.host : '',
    syncSourceId: m.syncSource ? set.member(m.syncSource)!.id : -1,
    infoMessage: m.infoMessage,
  });
  if (m.state === 'PRIMARY') Object.assign(row, { electionTime: bigToTs(BigInt(Math.floor(m.electionDate / 1000)) << 32n | 1n), electionDate: new Date(m.electionDate) });
  Object.assign(row, { configVersion: set.config.version, configTerm: set.config.term, self: true, lastHeartbeatMessage: '' });
  return row;
}

function peerRow(rt: MemberRuntime, p: Member): Document {
  const v = rt.member.peers.get(p.name);
  const health = v?.health ?? 0;
  const row: Document = {
    _id: p.id,
    name: p.host,
    health,
    state: health ? STATE_CODES[v!.state] : STATE_CODES.DOWN,
    stateStr: stateStr(v?.state ?? 'DOWN', health),
    uptime: health ? Math.floor((Date.now() - v!.upSince) / 1000) : 0,
  };
  if (!p.arbiter) {
    // Secondaries report their progress as they apply (replSetUpdatePosition), so a reachable member's
    // optime is current, not as old as the last heartbeat.
    const live = health === 1 && rt.set.reachable(rt.member, p);
    const o = live ? p.lastApplied() : health ? v!.optime : NULL_OPTIME;
    const wall = live ? p.lastAppliedWall : health ? v!.optimeWall : 0;
    Object.assign(row, {
      optime: opTime(o),
      optimeDurable: opTime(o),
      optimeDate: new Date(Math.floor(wall / 1000) * 1000),
      optimeDurableDate: new Date(Math.floor(wall / 1000) * 1000),
      lastAppliedWallTime: new Date(wall),
      lastDurableWallTime: new Date(wall),
    });
  }
  const live = health === 1 && rt.set.reachable(rt.member, p);
  const syncHost = live ? (p.syncSource ? (rt.set.member(p.syncSource)?.host ?? '') : '') : health ? v!.syncSource : '';
  Object.assign(row, {
    lastHeartbeat: new Date(v?.lastHeartbeat ?? 0),
    lastHeartbeatRecv: new Date(v?.lastHeartbeatRecv ?? 0),
    pingMs: Long.fromNumber(v?.pingMs ?? 0),
    lastHeartbeatMessage: v?.lastHeartbeatMessage ?? '',
    syncSourceHost: syncHost,
    syncSourceId: syncHost ? (rt.set.memberByHost(syncHost)?.id ?? -1) : -1,
    infoMessage: '',
  });
  if (health && v!.state === 'PRIMARY') Object.assign(row, { electionTime: bigToTs(BigInt(Math.floor(v!.electionDate / 1000)) << 32n | 1n), electionDate: new Date(v!.electionDate) });
  Object.assign(row, { configVersion: rt.set.config.version, configTerm: rt.set.config.term });
  return row;
}

export function replSetStatus(rt: MemberRuntime): Document {
  const { member: m, set } = rt;
  // A member the current config no longer lists answers as mongod's TopologyCoordinator::prepareStatusResponse
  // does when its self index is -1 (state REMOVED, 10): an error, not a status from a config it is not in.
  if (!set.inConfig(m)) throw new CommandError('InvalidReplicaSetConfig', 'Our replica set config is invalid or we are not a member of it');
  const commit = set.commitPoint();
  const committed = commit?.opTime ?? NULL_OPTIME;
  const applied = m.lastApplied();
  const members = set.config.members.map((cm) => {
    const p = set.member(cm.name)!;
    return p === m ? selfRow(rt) : peerRow(rt, p);
  });
  const voters = set.config.members.filter((c) => c.votes > 0);
  return {
    set: set.name,
    date: new Date(),
    myState: STATE_CODES[m.state],
    term: Long.fromNumber(m.term),
    syncSourceHost: m.syncSource ? set.member(m.syncSource)!.host : '',
    syncSourceId: m.syncSource ? set.member(m.syncSource)!.id : -1,
    heartbeatIntervalMillis: Long.fromNumber(set.timing.heartbeatMs),
    majorityVoteCount: set.majorityVotes(),
    writeMajorityCount: set.writeMajority(),
    votingMembersCount: voters.length,
    writableVotingMembersCount: voters.filter((c) => !c.arbiterOnly).length,
    optimes: {
      lastCommittedOpTime: opTime(committed),
      lastCommittedWallTime: new Date(commit?.wall ?? 0),
      readConcernMajorityOpTime: opTime(committed),
      appliedOpTime: opTime(applied),
      durableOpTime: opTime(applied),
      lastAppliedWallTime: new Date(m.lastAppliedWall),
      lastDurableWallTime: new Date(m.lastAppliedWall),
    },
    ...electionMetricsFields(m),
    members,
    ok: 1,
  };
}

/**
 * electionCandidateMetrics (on the primary, about the election it won) and electionParticipantMetrics (on a
 * member that voted, about its last vote), with the fields and types of the manual's replSetGetStatus page.
 */
function electionMetricsFields(m: Member): Document {
  const out: Document = {};
  const c = m.metrics.candidate;
  if (c && m.state === 'PRIMARY') {
    out.electionCandidateMetrics = {
      lastElectionReason: c.reasonName,
      lastElectionDate: new Date(c.date),
      electionTerm: Long.fromNumber(c.term),
      lastCommittedOpTimeAtElection: opTime(c.lastCommittedOpTime),
      lastSeenOpTimeAtElection: opTime(c.lastSeenOpTime),
      numVotesNeeded: c.numVotesNeeded,
      priorityAtElection: c.priority,
      electionTimeoutMillis: Long.fromNumber(c.electionTimeoutMillis),
      ...(c.priorPrimaryMemberId !== null ? { priorPrimaryMemberId: c.priorPrimaryMemberId } : {}),
      numCatchUpOps: Long.ZERO,
      ...(c.newTermStartDate !== null ? { newTermStartDate: new Date(c.newTermStartDate) } : {}),
      ...(c.wMajorityWriteAvailabilityDate !== null ? { wMajorityWriteAvailabilityDate: new Date(c.wMajorityWriteAvailabilityDate) } : {}),
    };
  }
  const p = m.metrics.participant;
  if (p) {
    out.electionParticipantMetrics = {
      votedForCandidate: p.votedForCandidate,
      electionTerm: Long.fromNumber(p.term),
      lastVoteDate: new Date(p.date),
      electionCandidateMemberId: p.candidateMemberId,
      voteReason: p.voteReason,
      lastAppliedOpTimeAtElection: opTime(p.lastAppliedOpTime),
      maxAppliedOpTimeInSet: opTime(p.maxAppliedOpTimeInSet),
      priorityAtElection: p.priority,
      ...(p.newTermStartDate !== null ? { newTermStartDate: new Date(p.newTermStartDate) } : {}),
      ...(p.newTermAppliedDate !== null ? { newTermAppliedDate: new Date(p.newTermAppliedDate) } : {}),
    };
  }
  return out;
}

export function replSetConfigDoc(rt: MemberRuntime): Document {
  const { set } = rt;
  const c = set.config;
  return {
    _id: c._id,
    version: c.version,
    term: c.term,
    protocolVersion: Long.fromNumber(1),
    writeConcernMajorityJournalDefault: true,
    members: c.members.map((m) => ({
      _id: m._id,
      host: m.host,
      arbiterOnly: m.arbiterOnly,
      buildIndexes: true,
      hidden: false,
      priority: m.priority,
      tags: {},
      secondaryDelaySecs: Long.ZERO,
      votes: m.votes,
    })),
    settings: {
      chainingAllowed: true,
      heartbeatIntervalMillis: set.timing.heartbeatMs,
      heartbeatTimeoutSecs: 10,
      electionTimeoutMillis: set.timing.electionTimeoutMs,
      catchUpTimeoutMillis: -1,
      catchUpTakeoverDelayMillis: 30000,
      getLastErrorModes: {},
      getLastErrorDefaults: { w: 1, wtimeout: 0 },
      replicaSetId: c.replicaSetId,
    },
  };
}

import type { Role } from '../../shared/monitor';

/** One row of replSetGetStatus.members, reduced to what the rules need (times as epoch ms). */
export interface RsMemberRow {
  name: string;
  self: boolean;
  health: number | null;
  state: number;
  stateStr: string;
  /** null when the server reports none; 0 for the epoch optime of a member that has not synced yet. */
  optimeDateMs: number | null;
  electionDateMs: number | null;
  syncSourceHost: string | null;
  pingMs: number | null;
}

export interface ReplStatus {
  set: string;
  myState: number;
  term: number | null;
  dateMs: number;
  members: RsMemberRow[];
}

export interface HelloInfo {
  /** topologyVersion.processId: changes when the server restarts. */
  processId: string | null;
  isWritablePrimary: boolean;
  secondary: boolean;
  arbiterOnly: boolean;
  setName: string | null;
  primary: string | null;
  /** The member's own name in the replica-set config (may differ from the host:port in the topology file). */
  me: string | null;
}

export interface OplogInfo {
  firstMs: number;
  lastMs: number;
  /** Time between the first and the last entry. */
  spanHours: number;
  usedBytes: number | null;
  maxBytes: number | null;
  /** Whether the capped oplog has filled up (null when its size is unknown). */
  full: boolean | null;
  /** The window a lagging member has: the span once the oplog is full, else projected at the write rate so far. */
  windowHours: number;
}

export interface ProbeError {
  code: string;
  message: string;
}

export interface MemberTargetRef {
  site: string;
  replicaSet: string;
  member: string;
  /** host:port as written in the topology. */
  address: string;
  expectedRole: Role;
}

export interface MemberObservation extends MemberTargetRef {
  /** Epoch ms when the probe finished. */
  at: number;
  durationMs: number;
  reachable: boolean;
  error: ProbeError | null;
  hello: HelloInfo | null;
  /** Round trip of the hello command. */
  pingMs: number | null;
  status: ReplStatus | null;
  oplog: OplogInfo | null;
  version: string | null;
}

export interface AppObservation {
  site: string;
  url: string;
  at: number;
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number | null;
  error: string | null;
}

export interface CycleObservation {
  startedAt: number;
  finishedAt: number;
  members: MemberObservation[];
  apps: AppObservation[];
}

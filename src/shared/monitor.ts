import { z } from 'zod';
import type { Level, Reason, Status } from './status';

/** Replica-set member states, numbered as in the MongoDB manual (replSetGetStatus.members[].state). */
export const MEMBER_STATE_NAMES: Record<number, string> = {
  0: 'STARTUP',
  1: 'PRIMARY',
  2: 'SECONDARY',
  3: 'RECOVERING',
  5: 'STARTUP2',
  6: 'UNKNOWN',
  7: 'ARBITER',
  8: 'DOWN',
  9: 'ROLLBACK',
  10: 'REMOVED',
};

export type Role = 'primary' | 'secondary' | 'arbiter';

export interface MemberView {
  name: string;
  host: string; // host:port
  expectedRole: Role;
  reachable: boolean;
  /** stateStr as the member reports it, or as the primary sees it when the member itself is unreachable. */
  stateStr: string;
  state: number | null;
  health: number | null;
  /** Seconds behind the primary, from the primary's view; null where a lag makes no sense (arbiter, STARTUP…). */
  lagSeconds: number | null;
  optimeDate: string | null;
  oplogWindowHours: number | null;
  version: string | null;
  lastSeen: string | null; // ISO time of the last successful poll
  /** The last state the member itself reported (or a peer reported for it) while reachable. */
  lastKnownStateStr?: string | null;
  unreachableSince: string | null;
  lastError: string | null;
  pingMs: number | null;
  syncSource: string | null;
  electionDate: string | null;
  status: Status;
}

export interface ReplicaSetView {
  name: string;
  primary: string | null; // member name
  term: number | null;
  electionDate: string | null;
  members: MemberView[];
  status: Status;
}

export interface AppHealthView {
  url: string;
  ok: boolean | null;
  httpStatus: number | null;
  latencyMs: number | null;
  checkedAt: string | null;
  error: string | null;
}

export interface SiteView {
  name: string;
  role: 'dc' | 'dr';
  replicaSets: ReplicaSetView[];
  app: AppHealthView[];
  reachable: boolean;
  lastSeen: string | null;
  unreachableSince: string | null;
  /** Whether this site takes the writes now: DC until a DR activation was recorded, DR after it (failback swaps back). */
  active?: boolean;
  status: Status;
}

/** A recorded DR activation: the backup route's target took over the writes. */
export interface ActivationInfo {
  at: string;
  label: string;
  /** The site that was activated (the backup route's target). */
  site: string;
  /** The site it took over from. */
  from: string;
}

/** Backup readiness as the headline shows it: the backup route's reasons and how far DR holds DC's writes. */
export interface BackupHeadline {
  level: Level;
  reasons: Reason[];
  from: string;
  to: string;
  /** DC wall time up to which DR holds every write; null when nothing was applied. */
  coveredUntil: string | null;
  /** Seconds between now and coveredUntil. */
  behindSeconds: number | null;
  targetSeconds: number;
}

export interface Overview {
  topologyName: string;
  sandbox: boolean;
  polledAt: string | null;
  pollIntervalMs: number;
  sites: SiteView[];
  status: Status;
  /** Set when some shown data is older than two poll intervals. */
  stale: boolean;
  /** The site taking the writes (see SiteView.active); null before the first poll. */
  activeSite?: string | null;
  activation?: ActivationInfo | null;
  /** Backup readiness; null when the monitor runs without the backup feature. */
  backup?: BackupHeadline | null;
  /** Fences the activation left standing for sites that were unreachable when it ran. */
  standingFences?: StandingFenceView[];
}

/**
 * The activation's fence step found members of the old site unreachable and counted them as down: the
 * instruction stands, and the moment the site answers again DR Desk fences it (freeze + step down, the
 * action the approvers approved as part of the activation plan) and says so here.
 */
export interface StandingFenceView {
  site: string;
  /** The execution whose fence step left the instruction. */
  executionId: string;
  members: string[];
  createdAt: string;
  state: 'waiting' | 'applied' | 'failed';
  appliedAt: string | null;
  /** What was done ("DC fenced: dc-1: stepped down…") or why it failed. */
  message: string;
}

/** The ranges a history chart offers, shortest first, and how far back each reaches. */
export const HISTORY_RANGES = ['15m', '1h', '24h', '7d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
export const RANGE_MS: Record<HistoryRange, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
export const historyRangeSchema = z.enum(HISTORY_RANGES, `one of ${HISTORY_RANGES.map((r) => `"${r}"`).join(', ')}`);
export type HistoryMetric = 'lag' | 'oplogWindow';

export interface Series {
  key: string; // e.g. "DC/dc-2"
  points: Array<[number, number | null]>; // [epoch ms, value]
}

export interface HistoryQuery {
  metric: HistoryMetric;
  range: HistoryRange;
  maxPoints?: number;
}

export interface AlertRecord {
  id: number;
  at: string;
  subject: string;
  from: Level;
  to: Level;
  reasons: Reason[];
  channels: Array<{ channel: 'notification' | 'webhook'; ok: boolean; attempts: number; error?: string }>;
}

export interface SecretInfo {
  name: string;
  kind: 'password' | 'ssh-key' | 'passphrase' | 'other';
  setAt: string;
}

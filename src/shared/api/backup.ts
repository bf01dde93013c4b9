import type { HistoryRange } from '../monitor';
import type { Level, Reason } from '../status';

/**
 * Cross-site backup & restore: DC data reaches DR as a baseline and then as incremental oplog
 * slices, shipped over SSH, verified, applied in order. Shapes shown by the Backups page and the CLI.
 */

/** An oplog position, "seconds:increment" of the BSON Timestamp (e.g. "1763881200:14"). */
export type OplogTs = string;

export type SliceState = 'captured' | 'shipped' | 'verified' | 'applied' | 'failed';

export interface SliceProblem {
  /** CHECKSUM_MISMATCH, LINK_BROKEN, SLICE_MISSING, VERSION_MISMATCH, TRANSFER_FAILED, APPLY_FAILED… */
  code: string;
  message: string;
  at: string;
}

export interface SliceView {
  chainId: string;
  seq: number;
  /** anchor: the chain starts at an oplog position where both sites were known to hold the same data (no copy). */
  kind: 'baseline' | 'increment' | 'anchor';
  state: SliceState;
  fromTs: OplogTs | null;
  toTs: OplogTs;
  /** Oplog entries (increments) or documents + entries (baseline). */
  count: number;
  bytes: number;
  sha256: string;
  /** sha256 of this slice's manifest: the next slice's prevManifestSha256 must equal it. */
  manifestSha256: string;
  /** The link to the previous slice (null for a baseline). */
  prevManifestSha256: string | null;
  /** DC's server version when the slice was captured. */
  dcVersion: string;
  createdAt: string;
  shippedAt: string | null;
  verifiedAt: string | null;
  appliedAt: string | null;
  /** DC wall time of the last entry the slice holds. */
  lastWall: string | null;
  shipAttempts: number;
  /** Why the slice is failed, or the last problem it had before it recovered. */
  problem: SliceProblem | null;
  /** Not applied because an earlier slice is missing or failed: nothing after a gap is applied. */
  blocked: boolean;
}

export type ChainState = 'building' | 'active' | 'broken' | 'superseded';

export interface ChainView {
  chainId: string;
  createdAt: string;
  state: ChainState;
  /** Set when state is "broken": why, and that a new baseline is needed. */
  broken: { code: string; message: string; at: string } | null;
  capturedTs: OplogTs | null;
  appliedSeq: number | null;
  appliedTs: OplogTs | null;
  slices: SliceView[];
}

export type BackupPhase = 'connect' | 'capture' | 'copy' | 'oplog' | 'ship' | 'verify' | 'apply' | 'retention' | 'done';

/** Live progress of the running cycle or baseline (pushed as `backupProgress`, at most ~4 per second). */
export interface BackupProgress {
  cycleId: number;
  kind: 'cycle' | 'baseline';
  phase: BackupPhase;
  message: string;
  slice: { chainId: string; seq: number } | null;
  collections: { done: number; total: number } | null;
  documents: { done: number; total: number | null } | null;
  bytes: { done: number; total: number | null } | null;
  startedAt: string;
  /** Seconds left for the current phase, from its rate so far; null when unknown. */
  etaSeconds: number | null;
}

export interface CycleRecord {
  id: number;
  kind: 'cycle' | 'baseline';
  /** runbook: a step of an approved execution (DR activation, failback); drill: a drill on the sandbox. */
  trigger: 'schedule' | 'manual' | 'agent' | 'runbook' | 'drill';
  state: 'running' | 'ok' | 'failed';
  startedAt: string;
  deadlineAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  captured: number;
  shipped: number;
  applied: number;
  bytes: number;
}

/** How the backups run: cycles on the schedule, or DC's oplog tailed with a slice closed every few seconds. */
export type BackupMode = 'interval' | 'continuous';

export const BACKUP_MODES: readonly BackupMode[] = ['interval', 'continuous'];

export interface BackupModeView {
  current: BackupMode;
  /**
   * agent: this process's agent flag (drdesk agent --continuous) decides, the setting cannot change it;
   * setting: chosen from the Backups page, `drdesk backup mode` or setBackupMode (kept in SQLite); default: interval.
   */
  source: 'agent' | 'setting' | 'default';
  /** Continuous mode closes a slice this often. */
  sliceSeconds: number;
  /** While this process stops one mode and starts the other: what it waits for ("cycle #12 to finish"); else null. */
  switching: string | null;
}

/** The outcome of setBackupMode: switching to the mode already in use changes nothing and says so. */
export interface BackupModeChange {
  mode: BackupMode;
  changed: boolean;
  message: string;
}

export interface BackupSchedule {
  /** Interval or continuous, and who decides it. */
  mode: BackupModeView;
  intervalMinutes: number;
  enabled: boolean;
  /** "topology" (the file's backup.intervalMinutes) or "override" (set from the app, kept in SQLite). */
  source: 'topology' | 'override';
  keep: number;
  deadlineSeconds: number;
  nextRunAt: string | null;
}

export interface RpoView {
  /** now − the DC time up to which DR holds every write; null before anything was applied. */
  seconds: number | null;
  targetSeconds: number;
  level: Level;
  coveredUntil: string | null;
  lastAppliedWall: string | null;
}

/** Continuous mode's live RPO (DC's newest acknowledged write minus the newest applied on DR, both DC time). */
export interface LiveRpoView {
  mode: 'continuous';
  /** running: tailing DC; retrying: a stage failed and is retried; waiting: another holder has the lease; stopped. */
  state: 'running' | 'retrying' | 'waiting' | 'stopped';
  seconds: number | null;
  /** tailer: DC's newest write as the tailer read it; stale: DC unreachable, DC's time now minus DR's newest. */
  basis: 'tailer' | 'stale' | 'unknown';
  level: Level;
  targetSeconds: number;
  dcNewestWrite: string | null;
  drNewestApplied: string | null;
  /** Over the last windowSeconds, one sample a second. */
  p50: number | null;
  p95: number | null;
  max: number | null;
  samples: number;
  windowSeconds: number;
}

export interface LandingView {
  site: string;
  /** "ssh": the site's SSH host; "local": a directory on this machine (only on the built-in sandbox). */
  kind: 'ssh' | 'local';
  /** How to show it: "user@host:port /dir", or "local landing (sandbox): DIR". */
  label: string;
  host: string;
  port: number;
  username: string;
  dir: string;
  /** The pinned host key (trust on first use), shown so an operator can compare it out of band. */
  fingerprint: string | null;
  pinnedAt: string | null;
}

export interface BackupStatus {
  level: Level;
  reasons: Reason[];
  from: string;
  to: string;
  /** True when there is no usable chain: the UI offers "Start baseline". */
  needsBaseline: boolean;
  chain: ChainView | null;
  running: BackupProgress | null;
  recentCycles: CycleRecord[];
  schedule: BackupSchedule;
  rpo: RpoView;
  /** Continuous mode only (null in interval mode): the live RPO and its p50/p95 over the window. */
  live?: LiveRpoView | null;
  landing: LandingView | null;
  updatedAt: string;
}

export interface VerifyFinding {
  chainId: string;
  seq: number;
  check: 'link' | 'local-archive' | 'remote-archive' | 'remote-manifest';
  ok: boolean;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  chainId: string | null;
  checkedAt: string;
  slices: number;
  findings: VerifyFinding[];
}

/** Who runs this pipeline's backups, as the target replica set records it (the same on every workstation). */
export interface BackupControlView {
  /** "backups are run by alice on host-a (pid 4242, workstation …) (last heartbeat 12 s ago)" */
  sentence: string;
  holder: { workstation: string; identity: string; hostname: string; pid: number } | null;
  heartbeatAgeSeconds: number | null;
  /** The heartbeat is older than the lease's time to live (or nobody holds it): it can be taken over. */
  expired: boolean;
  /** The holder is this workstation. */
  mine: boolean;
  /** The lease's time to live: a heartbeat older than this means the holder stopped. */
  ttlSeconds: number | null;
  term: number | null;
  /** DR's chain document: what DR applied, written by whom. */
  chain: { chainId: string; term: number; appliedSeq: number | null; appliedTs: string | null; appliedWall: string | null; startedAt: string; updatedAt: string; by: string } | null;
  /** Executions recorded in the replica sets' execution ledgers, newest first. */
  executions: Array<{ site: string; requestId: string; executionId: string; by: string; workstation: string; startedAt: string; finishedAt: string | null; outcome: string | null }>;
}

export interface BackupMethods {
  /** The lease holder and its heartbeat, DR's chain document and the ledgers' executions. */
  getBackupControl: { in: void; out: BackupControlView };
  /** Runs a cycle now taking over a lease whose heartbeat is older than its time to live; LEASE_HELD while it is fresh. */
  takeOverBackups: { in: void; out: CycleRecord };
  getBackupStatus: { in: void; out: BackupStatus };
  getRpoHistory: { in: { range: HistoryRange; maxPoints?: number }; out: { targetSeconds: number; points: Array<[number, number | null]> } };
  /** Starts a cycle now; with wait it resolves when the cycle ends. Fails with BACKUP_BUSY if one runs. */
  runBackupNow: { in: { wait?: boolean } | void; out: CycleRecord };
  /** Starts a new chain: a consistent copy of DC replaces DR's data (DR's position is recorded first). */
  startBaseline: { in: { wait?: boolean } | void; out: CycleRecord };
  setBackupSchedule: { in: { intervalMinutes?: number; enabled?: boolean }; out: BackupSchedule };
  /**
   * Interval or continuous mode from now on (kept in the data directory): the running mode stops at its safe
   * point and the other starts. "mode" is "interval" or "continuous": anything else is refused (BACKUP_MODE),
   * as is any change while an agent flag fixes the mode (BACKUP_MODE_FIXED).
   */
  setBackupMode: { in: { mode: string }; out: BackupModeChange };
  verifyChain: { in: { remote?: boolean } | void; out: VerifyReport };
  /** Re-trusts a landing host after its key changed; the fingerprint must be the one it now offers. */
  trustSshHostKey: { in: { hostPort: string; fingerprint: string }; out: { hostPort: string; fingerprint: string; pinnedAt: string } };
  getBackupHistory: { in: { limit?: number } | void; out: CycleRecord[] };
}

export interface BackupEvents {
  backupProgress: BackupProgress;
  backupStatus: BackupStatus;
}

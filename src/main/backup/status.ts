import type { BackupProgress, BackupSchedule, BackupStatus, ChainView, LandingView, SliceView } from '../../shared/api/backup';
import type { DeskError } from '../../shared/errors';
import type { Reason } from '../../shared/status';
import type { HostKeyPins } from '../connectors/ssh-host-keys';
import type { BackupStore, ChainRow, SliceRow } from './backup-store';
import type { BackupRoute, LandingTarget } from '../connectors/mongo-endpoints';
import { backupLevel, backupReasons, computeRpo } from './rpo';

/** The Backups page's and the CLI's view of the pipeline, built from SQLite (cheap: a few small queries). */
export function sliceView(s: SliceRow, blocked: boolean): SliceView {
  const m = s.manifest;
  return {
    chainId: s.chainId,
    seq: s.seq,
    kind: m.kind,
    state: s.state,
    fromTs: m.fromTs,
    toTs: m.toTs,
    count: m.count,
    bytes: m.bytes,
    sha256: m.sha256,
    manifestSha256: s.manifestSha,
    prevManifestSha256: m.prevManifestSha256,
    dcVersion: m.dcVersion,
    createdAt: m.createdAt,
    shippedAt: s.shippedAt,
    verifiedAt: s.verifiedAt,
    appliedAt: s.appliedAt,
    lastWall: m.lastWall,
    shipAttempts: s.shipAttempts,
    problem: s.problem,
    blocked,
  };
}

export function chainView(chain: ChainRow, slices: SliceRow[]): ChainView {
  const applied = chain.appliedSeq ?? -1;
  const firstOpen = slices.find((s) => s.seq > applied);
  const stuck = chain.state === 'broken' || firstOpen?.state === 'failed';
  return {
    chainId: chain.chainId,
    createdAt: chain.createdAt,
    state: chain.state,
    broken: chain.broken,
    capturedTs: chain.capturedTs,
    appliedSeq: chain.appliedSeq,
    appliedTs: chain.appliedTs,
    slices: slices.map((s) => sliceView(s, s.seq > applied && stuck && (chain.state === 'broken' || s !== firstOpen))),
  };
}

/** Where slices land, as status shows it: the SSH host with its pinned key, or the sandbox's local directory. */
export function landingView(site: string, target: LandingTarget, pins: HostKeyPins): LandingView {
  if (target.kind === 'local')
    return { site, kind: 'local', label: `local landing (sandbox): ${target.dir}`, host: 'localhost', port: 0, username: '', dir: target.dir, fingerprint: null, pinnedAt: null };
  const h = target.host;
  const pin = pins.get(`${h.host}:${h.port}`);
  return { site, kind: 'ssh', label: `${h.username}@${h.host}:${h.port} ${h.backupDir}`, host: h.host, port: h.port, username: h.username, dir: h.backupDir, fingerprint: pin?.fingerprint ?? null, pinnedAt: pin?.pinnedAt ?? null };
}

export interface StatusInput {
  store: BackupStore;
  route: BackupRoute;
  pins: HostKeyPins;
  schedule: BackupSchedule;
  targetSeconds: number;
  /** Continuous mode reasons with its slice period instead of the interval. */
  continuous?: { sliceSeconds: number } | null;
  running: BackupProgress | null;
  /** The target site was activated (it takes the writes): the route is stopped. */
  activation?: { at: string; label: string } | null;
  now?: number;
  /** DC's time now (its clock, not this workstation's): what the RPO is measured against. */
  dcNow?: number;
}

export function buildStatus(i: StatusInput): BackupStatus {
  const now = i.now ?? Date.now();
  const chain = i.store.currentChain();
  const slices = chain ? i.store.slices(chain.chainId) : [];
  const dataChain = chain?.appliedSeq !== null && chain ? chain : i.store.lastAppliedChain();
  const appliedSlice = dataChain && dataChain.appliedSeq !== null ? i.store.slice(dataChain.chainId, dataChain.appliedSeq) : null;
  const rpo = computeRpo(i.dcNow ?? now, i.targetSeconds, dataChain, appliedSlice);
  const recentCycles = i.store.recentCycles(10);
  const reasons: Reason[] = backupReasons({
    subject: i.route.subject,
    now,
    rpo,
    intervalMinutes: i.schedule.intervalMinutes,
    ...(i.continuous ? { mode: 'continuous' as const, sliceSeconds: i.continuous.sliceSeconds } : {}),
    enabled: i.schedule.enabled,
    chain,
    slices: slices.filter((s) => s.seq > (chain?.appliedSeq ?? -1)),
    recentCycles: recentCycles.filter((c) => c.state !== 'running'),
  });
  // A mismatch is refused before anything is written, so a refused baseline leaves no slice behind: the last
  // finished cycle carries the reason then.
  const lastFinished = recentCycles.find((c) => c.state !== 'running');
  const mismatch =
    slices.find((s) => s.state === 'failed' && s.problem?.code === 'VERSION_MISMATCH')?.problem?.message ??
    (lastFinished?.error?.code === 'VERSION_MISMATCH' ? lastFinished.error.message : null);
  if (mismatch) reasons.unshift({ code: 'VERSION_MISMATCH', level: 'red', subject: i.route.subject, message: mismatch });
  if (i.activation)
    reasons.unshift({
      code: 'BACKUP_FAILING',
      level: 'yellow',
      subject: i.route.subject,
      message: `${i.route.to.name} was activated at ${i.activation.at} (${i.activation.label}) and takes the writes: ${i.route.subject} backups are stopped so nothing overwrites them. Failback brings ${i.route.to.name}'s changes back and resumes this route.`,
    });
  const target = i.route.landing;
  return {
    level: backupLevel(reasons, rpo),
    reasons,
    from: i.route.from.name,
    to: i.route.to.name,
    needsBaseline: !chain || chain.state === 'broken' || slices.length === 0,
    chain: chain ? chainView(chain, slices) : null,
    running: i.running,
    recentCycles,
    schedule: i.schedule,
    rpo,
    landing: landingView(i.route.to.name, target, i.pins),
    updatedAt: new Date(now).toISOString(),
  };
}

/** The status when the topology has no backup route: unknown, with what to add. */
export function notConfiguredStatus(err: DeskError, schedule: BackupSchedule, targetSeconds: number): BackupStatus {
  return {
    level: 'unknown',
    reasons: [{ code: 'BACKUP_FAILING', level: 'yellow', subject: 'backup', message: `Cross-site backup is not configured: ${err.message}` }],
    from: '',
    to: '',
    needsBaseline: true,
    chain: null,
    running: null,
    recentCycles: [],
    schedule,
    rpo: { seconds: null, targetSeconds, level: 'unknown', coveredUntil: null, lastAppliedWall: null },
    landing: null,
    updatedAt: new Date().toISOString(),
  };
}

import type { BackupControlView, BackupPhase, LandingView, LiveRpoView, OplogTs, SliceState, SliceView } from '../../../shared/api/backup';
import type { DeskError } from '../../../shared/errors';
import { formatClock, formatDuration, formatLag } from '../../format/time';

/** "812 B", "4.2 KiB", "17.3 MiB", "1.06 GiB". */
export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** An oplog position "seconds:increment" as its local time, with the position itself. */
export function formatTs(ts: OplogTs | null, now: number): string {
  if (!ts) return '—';
  const seconds = Number(ts.split(':')[0]);
  return `${formatClock(new Date(seconds * 1000).toISOString(), now)} (${ts})`;
}

/** The first and last characters of a sha256: enough to compare by eye, the copy button gives the rest. */
export function shortSha(sha: string | null): string {
  if (!sha) return '—';
  return `${sha.slice(0, 8)}…${sha.slice(-4)}`;
}

export const STATE_LABEL: Record<SliceState, string> = {
  captured: 'Captured',
  shipped: 'Shipped',
  verified: 'Verified on DR',
  applied: 'Applied',
  failed: 'Failed',
};

/** What the timeline draws for a slice: its own state, or "blocked" when an earlier gap holds it back. */
export type SliceLook = SliceState | 'blocked';

export function sliceLook(s: SliceView): SliceLook {
  return s.blocked && s.state !== 'failed' ? 'blocked' : s.state;
}

export const LOOK_LABEL: Record<SliceLook, string> = { ...STATE_LABEL, blocked: 'Blocked by a gap' };

export const PHASE_LABEL: Record<BackupPhase, string> = {
  connect: 'Connecting',
  capture: 'Capturing',
  copy: 'Copying collections',
  oplog: 'Adding the oplog',
  ship: 'Shipping',
  verify: 'Verifying',
  apply: 'Applying',
  retention: 'Pruning old slices',
  done: 'Done',
};

/** Continuous mode's live RPO as the operator reads it: now, its spread over the window, and what it rests on. */
export function liveRpoText(live: LiveRpoView): string {
  const now = live.basis === 'stale' ? `${formatLag(live.seconds)} and growing — DC is unreachable` : formatLag(live.seconds);
  const spread = live.samples > 0 ? ` · p50 ${formatLag(live.p50)}, p95 ${formatLag(live.p95)}, max ${formatLag(live.max)} over ${formatDuration(live.windowSeconds * 1000)}` : '';
  const state = live.state === 'running' ? '' : ` · ${live.state === 'waiting' ? 'waiting for the lease' : live.state}`;
  return `Live RPO ${now} / target ${formatLag(live.targetSeconds)}${spread}${state}`;
}

export function errorText(e: Pick<DeskError, 'code' | 'message'>): string {
  return `${e.code}: ${e.message}`;
}

const AXIS_STEPS = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/** The top of the RPO axis (seconds): the larger of the data and twice the target with room, rounded to a step that reads well. */
export function axisTop(max: number, targetSeconds: number): number {
  const v = Math.max(max, targetSeconds * 2.2);
  const step = AXIS_STEPS.find((s) => v / s <= 6) ?? 86_400 * Math.ceil(v / 86_400 / 6);
  return Math.ceil(v / step) * step;
}

/** A landing on this machine (the built-in sandbox's local directory) rather than an SSH host. */
export function isLocalLanding(l: LandingView): boolean {
  return 'kind' in l && l.kind === 'local';
}

export function landingLabel(l: LandingView): string {
  return isLocalLanding(l) ? `local directory ${l.dir}` : `${l.username}@${l.host}:${l.port} ${l.dir}`;
}

/** What a slice's count is: documents and oplog entries for a copy, entries otherwise. */
export function countNoun(s: SliceView, short: boolean): string {
  if (s.kind === 'baseline') return short ? 'docs + entries' : 'Documents + entries';
  if (short) return s.count === 1 ? 'entry' : 'entries';
  return 'Entries';
}

export interface LeaseLook {
  sentence: string;
  pill: { label: 'running a cycle' | 'between cycles' | 'heartbeat stopped'; level: 'green' | 'yellow' } | null;
  /** The heartbeat is older than the lease's time to live and the holder is another workstation. */
  canTakeOver: boolean;
  ageSeconds: number | null;
}

/**
 * How the Backups page says who runs the backups: "Backups are run by alice on host-a (last heartbeat 12 s
 * ago)", the heartbeat's age counted on from when the view was read (`readAt`), so it keeps moving between
 * reads. A lease given up after a cycle (heartbeat fresh) is normal; one whose heartbeat is older than its
 * time to live belongs to a holder that stopped, and only then can another workstation take it over.
 */
export function leaseLook(v: BackupControlView, readAt: number, now: number): LeaseLook {
  if (!v.holder) return { sentence: 'No workstation or agent has taken the backup lease yet.', pill: null, canTakeOver: false, ageSeconds: null };
  const age = v.heartbeatAgeSeconds === null ? null : Math.max(0, Math.round(v.heartbeatAgeSeconds + Math.max(0, now - readAt) / 1000));
  const stopped = age !== null && v.ttlSeconds !== null && age >= v.ttlSeconds;
  const who = v.mine ? 'this workstation' : `${v.holder.identity} on ${v.holder.hostname}`;
  return {
    sentence: `Backups are run by ${who} (last heartbeat ${age ?? '?'} s ago).`,
    pill: stopped ? { label: 'heartbeat stopped', level: 'yellow' } : { label: v.expired ? 'between cycles' : 'running a cycle', level: 'green' },
    canTakeOver: stopped && !v.mine,
    ageSeconds: age,
  };
}

import type { LiveRpoView } from '../../../shared/api/backup';
import { rpoLevel } from '../rpo';

/**
 * The live RPO of continuous mode: DC's newest acknowledged write (the wall time DC stamped on the newest
 * entry the tailer has read) minus the newest DC write DR has applied — both times are DC's clock, so no
 * workstation clock enters it. While the tailer cannot reach DC it no longer knows DC's newest write; the
 * figure then grows with DC's time ("stale"), an upper bound, never a reassuring constant.
 */
export interface LiveRpoInput {
  /** DC's time now (this workstation's clock plus the measured offset). */
  dcNow: number;
  /** Wall time of the newest user write read from DC's oplog, or null when none was seen yet. */
  dcNewestWrite: number | null;
  /** DC wall time of the newest entry applied on DR, or null before anything was applied. */
  drNewestApplied: number | null;
  /** DC time at which the tailer last heard from DC (a batch, or an empty await). */
  tailerContact: number | null;
  /** How long without contact before the tailer's view of DC counts as stale (ms). */
  staleAfterMs: number;
}

export function liveRpoSeconds(i: LiveRpoInput): { seconds: number | null; basis: LiveRpoView['basis'] } {
  if (i.drNewestApplied === null) return { seconds: null, basis: 'unknown' };
  const live = i.tailerContact !== null && i.dcNow - i.tailerContact <= i.staleAfterMs;
  if (!live) return { seconds: Math.max(0, (i.dcNow - i.drNewestApplied) / 1000), basis: 'stale' };
  if (i.dcNewestWrite === null) return { seconds: 0, basis: 'tailer' };
  return { seconds: Math.max(0, (i.dcNewestWrite - i.drNewestApplied) / 1000), basis: 'tailer' };
}

/** Nearest-rank percentile of an unsorted list (null when empty). */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))];
}

/** One sample a second over a bounded window (memory stays bounded whatever the uptime). */
export class RpoWindow {
  private readonly samples: Array<{ at: number; seconds: number }> = [];

  constructor(private readonly windowMs: number) {}

  add(at: number, seconds: number | null): void {
    if (seconds !== null) this.samples.push({ at, seconds });
    const cutoff = at - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop].at < cutoff) drop++;
    if (drop) this.samples.splice(0, drop);
  }

  summary(): { p50: number | null; p95: number | null; max: number | null; samples: number; windowSeconds: number } {
    const v = this.samples.map((s) => s.seconds);
    return { p50: percentile(v, 50), p95: percentile(v, 95), max: v.length ? Math.max(...v) : null, samples: v.length, windowSeconds: Math.round(this.windowMs / 1000) };
  }
}

export function liveRpoView(i: LiveRpoInput & { targetSeconds: number; window: RpoWindow; state: LiveRpoView['state'] }): LiveRpoView {
  const { seconds, basis } = liveRpoSeconds(i);
  return {
    mode: 'continuous',
    state: i.state,
    seconds,
    basis,
    level: rpoLevel(seconds, i.targetSeconds),
    targetSeconds: i.targetSeconds,
    dcNewestWrite: i.dcNewestWrite === null ? null : new Date(i.dcNewestWrite).toISOString(),
    drNewestApplied: i.drNewestApplied === null ? null : new Date(i.drNewestApplied).toISOString(),
    ...i.window.summary(),
  };
}

import type { HistoryRange } from '../../../shared/monitor';

const TICK_STEP_MS: Record<HistoryRange, number> = { '15m': 2 * 60_000, '1h': 10 * 60_000, '24h': 3 * 3_600_000, '7d': 86_400_000 };

/** Round local times (every 10 min, every 3 h, each midnight…) inside [start, end]. */
export function timeTicks(start: number, end: number, range: HistoryRange): number[] {
  const step = TICK_STEP_MS[range];
  const midnight = new Date(start);
  midnight.setHours(0, 0, 0, 0);
  const first = midnight.getTime() + Math.ceil((start - midnight.getTime()) / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += step) ticks.push(t);
  return ticks;
}

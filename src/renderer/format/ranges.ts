import type { HistoryRange } from '../../shared/monitor';

/** The range buttons every chart shows, in order. */
export const RANGE_CHOICES: ReadonlyArray<{ id: HistoryRange; label: string }> = [
  { id: '15m', label: '15 min' },
  { id: '1h', label: '1 h' },
  { id: '24h', label: '24 h' },
  { id: '7d', label: '7 d' },
];

/** How often a chart of each range asks for fresh points: about one new point per pixel column or less. */
export const RANGE_REFRESH_MS: Record<HistoryRange, number> = { '15m': 5_000, '1h': 15_000, '24h': 60_000, '7d': 300_000 };

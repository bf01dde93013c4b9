import type { DrillOutcome } from '../../../../shared/api/drill-report';
import type { Level } from '../../../../shared/status';

export function seconds(v: number | null, digits = 1): string {
  return v === null ? '—' : `${v.toFixed(digits)} s`;
}

export function millis(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "2025-01-02 10:11:12 UTC": reports are read later and elsewhere, so they carry the date and the zone. */
export function utc(iso: string | null): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export const OUTCOME_LEVEL: Record<DrillOutcome, Level> = { passed: 'green', failed: 'red', error: 'red' };

/** MET / MISSED / NOT MEASURED for a measured value against its target. */
export function metLevel(met: boolean | null): { level: Level; word: string } {
  if (met === null) return { level: 'unknown', word: 'Not measured' };
  return met ? { level: 'green', word: 'Met' } : { level: 'red', word: 'Missed' };
}

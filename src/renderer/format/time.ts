import { formatDuration, isRealDate } from '../../shared/time';

/** The app's one time format lives in shared/time.ts (the PDF reports use it too); re-exported for the pages. */
export { formatAxisTime, formatClock, formatDuration, formatUtc, isRealDate, localizeTimes, timeLabel, utcTimes, zoneLabel } from '../../shared/time';

export function formatAgo(iso: string | null, now: number): string {
  if (!isRealDate(iso)) return 'never';
  return `${formatDuration(now - Date.parse(iso))} ago`;
}

export function formatLag(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  return formatDuration(seconds * 1000);
}

export function formatHours(hours: number | null): string {
  if (hours === null) return '—';
  return hours < 10 ? `${hours.toFixed(1)} h` : `${Math.round(hours)} h`;
}

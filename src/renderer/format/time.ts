/** "12 s", "4 min 10 s", "3 h 5 min", "2 d 4 h": durations an operator reads at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function formatAgo(iso: string | null, now: number): string {
  if (!isRealDate(iso)) return 'never';
  return `${formatDuration(now - Date.parse(iso))} ago`;
}

/**
 * mongod reports an optime of 0 (1970-01-01) for members it has not heard from: that is "unknown", not a
 * date. Anything before 2000 is treated the same way.
 */
export function isRealDate(iso: string | null): iso is string {
  return iso !== null && Date.parse(iso) > Date.UTC(2000, 0, 1);
}

/** Local wall-clock time; the date is added when it is not today. */
export function formatClock(iso: string | null, now: number = Date.now()): string {
  if (!isRealDate(iso)) return '—';
  const d = new Date(iso);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  return `${d.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' })} ${time}`;
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

const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;

/**
 * The engine writes times into its sentences as ISO UTC ("…at 2026-12-03T07:50:54.287Z"): on screen they
 * read in the one format of the app, local 24 h (with the date when not today).
 */
export function localizeTimes(text: string, now: number = Date.now()): string {
  return text.replace(ISO_IN_TEXT, (iso) => formatClock(iso, now));
}

/**
 * The one time format of DR Desk, on screen, in reasons and in the PDF reports: local wall-clock time,
 * 24 h ("14:02:11"), with the date ("2026-12-03 14:02:11") when it is not today; the UTC time goes in the
 * hover title (formatUtc), and a printed page names its zone once (zoneLabel). Built by hand, not with
 * toLocaleTimeString, so no locale turns it into "2:02:11 PM" or "24:02:11".
 */

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * mongod reports an optime of 0 (1970-01-01) for members it has not heard from: that is "unknown", not a
 * date. Anything before 2000 is treated the same way.
 */
export function isRealDate(iso: string | null | undefined): iso is string {
  return typeof iso === 'string' && Date.parse(iso) > Date.UTC(2000, 0, 1);
}

const localDate = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** Local 24 h wall-clock time; the date is added when it is not the day of `now`. */
export function formatClock(iso: string | null | undefined, now: number = Date.now()): string {
  if (!isRealDate(iso)) return '—';
  const d = new Date(iso);
  const time = localTime(d);
  return localDate(new Date(now)) === localDate(d) ? time : `${localDate(d)} ${time}`;
}

/** Hours and minutes only, for chart axes: "14:02", or "Thu 14:02" when the axis spans days. */
export function formatAxisTime(ms: number, withDay = false): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDay ? `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]} ${hm}` : hm;
}

/** The hover title of a time: "2026-12-03 13:02:11 UTC". */
export function formatUtc(iso: string | null | undefined): string | undefined {
  if (!isRealDate(iso)) return undefined;
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The local zone as an offset from UTC at `at`: "UTC+01:00", "UTC−05:00", "UTC". */
export function zoneLabel(at: number = Date.now()): string {
  const off = -new Date(at).getTimezoneOffset();
  if (off === 0) return 'UTC';
  const a = Math.abs(off);
  return `UTC${off > 0 ? '+' : '−'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

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

const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;

/**
 * The engine writes times into its sentences as ISO UTC ("…at 2026-12-03T07:50:54.287Z"): they read in the
 * one format above, wherever the sentence is shown or printed.
 */
export function localizeTimes(text: string, now: number = Date.now()): string {
  return text.replace(ISO_IN_TEXT, (iso) => formatClock(iso, now));
}

/** The same sentence with its times in UTC ("… at 2026-12-03 07:50:54 UTC"): the hover title of a localized one. */
export function utcTimes(text: string): string {
  return text.replace(ISO_IN_TEXT, (iso) => formatUtc(iso) ?? iso);
}

/** A chart tooltip's time: "14:02:11 (13:02:11 UTC)", the local time first and UTC beside it (no hover there). */
export function timeLabel(ms: number, now: number = Date.now()): string {
  const iso = new Date(ms).toISOString();
  return `${formatClock(iso, now)} (${iso.slice(11, 19)} UTC)`;
}

/** Local 24 h with the date always ("2026-12-03 14:02:11"): for printed pages, where "today" means nothing. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!isRealDate(iso)) return '—';
  const d = new Date(iso);
  return `${localDate(d)} ${localTime(d)}`;
}

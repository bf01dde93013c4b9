import { describe, expect, it } from 'vitest';
import { formatAxisTime, formatClock, formatDateTime, formatUtc, localizeTimes, timeLabel, utcTimes, zoneLabel } from '../../../src/shared/time';

/** Local 24 h everywhere, whatever the locale or the zone; the UTC time beside or on hover. */
const pad = (n: number) => String(n).padStart(2, '0');

describe('the one time format', () => {
  const iso = '2026-12-03T23:59:58.700Z';
  const d = new Date(iso);
  const local = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const localDay = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

  it('is 24 h with seconds, the date only when not today, and never AM/PM or an ISO Z', () => {
    expect(formatClock(iso, d.getTime() + 1000 * 60)).toMatch(new RegExp(`^(${local}|${localDay} ${local})$`));
    expect(formatClock(iso, d.getTime())).toBe(local);
    expect(formatClock(iso, d.getTime() + 3 * 86_400_000)).toBe(`${localDay} ${local}`);
    expect(formatDateTime(iso)).toBe(`${localDay} ${local}`);
    for (const h of [0, 1, 12, 13, 23]) {
      const t = new Date(2026, 11, 3, h, 5, 9).toISOString();
      const out = formatClock(t, Date.parse(t));
      expect(out).toBe(`${pad(h)}:05:09`);
      expect(out).not.toMatch(/AM|PM|Z|T/);
    }
  });

  it('unknown times (null, the 1970 optime of a member not heard from) are a dash', () => {
    for (const f of [formatClock, formatDateTime]) {
      expect(f(null)).toBe('—');
      expect(f('1970-01-01T00:00:00Z')).toBe('—');
    }
    expect(formatUtc(null)).toBeUndefined();
  });

  it('UTC for the hover title, and a printed zone label', () => {
    expect(formatUtc(iso)).toBe('2026-12-03 23:59:58 UTC');
    expect(zoneLabel()).toMatch(/^UTC([+−]\d\d:\d\d)?$/);
    expect(timeLabel(Date.parse(iso), Date.parse(iso))).toBe(`${local} (23:59:58 UTC)`);
  });

  it('sentences: ISO times localized for the text, in UTC for the title, nothing else touched', () => {
    const s = `DR was activated at ${iso} and takes the writes; 12:00 and 2026-12-03 stay as they are.`;
    expect(localizeTimes(s, Date.parse(iso))).toBe(`DR was activated at ${local} and takes the writes; 12:00 and 2026-12-03 stay as they are.`);
    expect(utcTimes(s)).toBe('DR was activated at 2026-12-03 23:59:58 UTC and takes the writes; 12:00 and 2026-12-03 stay as they are.');
  });

  it('chart axes: hours and minutes, the weekday on a 7-day axis', () => {
    const t = new Date(2026, 11, 3, 7, 4, 0).getTime();
    expect(formatAxisTime(t)).toBe('07:04');
    expect(formatAxisTime(t, true)).toBe('Thu 07:04');
  });
});

import { describe, expect, it } from 'vitest';
import { formatClock, localizeTimes } from '../../../src/renderer/format/time';

describe('times inside the engine sentences', () => {
  it('ISO UTC times read in the app format (local 24 h), everything else untouched', () => {
    const iso = '2026-12-03T07:50:54.287Z';
    const now = Date.parse(iso) + 60_000;
    const text = `rs-dc elected dc-1 as primary at ${iso} (was 127.0.0.1:31749): find out why.`;
    const out = localizeTimes(text, now);
    expect(out).toBe(`rs-dc elected dc-1 as primary at ${formatClock(iso, now)} (was 127.0.0.1:31749): find out why.`);
    expect(out).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(out).not.toMatch(/AM|PM/);
    expect(localizeTimes('no time here: 12:00 and 2026-12-03', now)).toBe('no time here: 12:00 and 2026-12-03');
  });
});

import { describe, expect, it } from 'vitest';
import type { MemberView } from '../../../src/shared/monitor';
import { lastKnownState, memberLevel, roleLetter } from '../../../src/renderer/format/member-state';
import { formatAgo, formatClock, formatDuration, formatHours, formatLag, isRealDate } from '../../../src/renderer/format/time';
import { timeTicks } from '../../../src/renderer/pages/replication/time-ticks';

describe('time formatting', () => {
  it('reads durations at a glance', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59_400)).toBe('59 s');
    expect(formatDuration(250_000)).toBe('4 min 10 s');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(52 * 3_600_000)).toBe('2 d 4 h');
  });

  it('treats the epoch optime of an unheard member as unknown', () => {
    expect(isRealDate('1970-01-01T00:00:00Z')).toBe(false);
    expect(formatClock('1970-01-01T00:00:00Z')).toBe('—');
    expect(formatAgo(null, Date.now())).toBe('never');
    expect(isRealDate('2026-11-23T10:00:00Z')).toBe(true);
  });

  it('formats lag and oplog window', () => {
    expect(formatLag(null)).toBe('—');
    expect(formatLag(0.42)).toBe('0.4 s');
    expect(formatLag(75)).toBe('1 min 15 s');
    expect(formatHours(7.25)).toBe('7.3 h');
    expect(formatHours(36.6)).toBe('37 h');
  });

  it('puts axis ticks on round local times inside the range', () => {
    const start = new Date(2026, 10, 23, 9, 7, 30).getTime();
    const ticks = timeTicks(start, start + 3_600_000, '1h');
    expect(ticks).toHaveLength(6);
    expect(new Date(ticks[0]).getMinutes()).toBe(10);
    expect(ticks.every((t) => t >= start && t <= start + 3_600_000)).toBe(true);
    const day = timeTicks(start, start + 86_400_000, '24h');
    expect(day.every((t) => new Date(t).getHours() % 3 === 0 && new Date(t).getMinutes() === 0)).toBe(true);
  });
});

describe('member state', () => {
  const m = (over: Partial<MemberView>) => ({ reachable: true, stateStr: 'SECONDARY', status: { level: 'green', reasons: [] }, ...over }) as MemberView;

  it('draws the current role letter, or a dash without a role', () => {
    expect(roleLetter('PRIMARY')).toBe('P');
    expect(roleLetter('SECONDARY')).toBe('S');
    expect(roleLetter('ARBITER')).toBe('A');
    expect(roleLetter('(not reachable/healthy)')).toBe('–');
  });

  it('colours by state first: down is red, in transition at least yellow, else the rules decide', () => {
    expect(memberLevel(m({ reachable: false }))).toBe('red');
    expect(memberLevel(m({ stateStr: 'STARTUP2' }))).toBe('yellow');
    expect(memberLevel(m({ status: { level: 'yellow', reasons: [] } }))).toBe('yellow');
    expect(memberLevel(m({}))).toBe('green');
  });

  it('uses the last state the member reported when it has one', () => {
    expect(lastKnownState(m({ stateStr: '(not reachable/healthy)', lastKnownStateStr: 'PRIMARY' }))).toBe('PRIMARY');
    expect(lastKnownState(m({ stateStr: 'SECONDARY' }))).toBe('SECONDARY');
  });
});

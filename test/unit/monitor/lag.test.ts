import { describe, expect, it } from 'vitest';
import { lagSeconds } from '../../../src/main/monitor/lag';
import type { ReplStatus, RsMemberRow } from '../../../src/main/connectors/probe-types';

const T = Date.parse('2026-11-23T12:00:00Z');
const row = (name: string, state: number, stateStr: string, optimeDateMs: number | null, health: number | null = 1): RsMemberRow => ({
  name,
  self: false,
  health,
  state,
  stateStr,
  optimeDateMs,
  electionDateMs: null,
  syncSourceHost: null,
  pingMs: 1,
});
const status = (...members: RsMemberRow[]): ReplStatus => ({ set: 'rs', myState: 1, term: 1, dateMs: T, members });

describe('lagSeconds (primary optimeDate − member optimeDate)', () => {
  const primary = row('p:1', 1, 'PRIMARY', T);

  it('a secondary 12.5 s behind', () => {
    expect(lagSeconds(status(primary, row('s:2', 2, 'SECONDARY', T - 12_500)), 's:2')).toBe(12.5);
  });

  it('the primary itself has lag 0', () => {
    expect(lagSeconds(status(primary), 'p:1')).toBe(0);
  });

  it('an arbiter has no lag, even with an optimeDate', () => {
    expect(lagSeconds(status(primary, row('a:3', 7, 'ARBITER', 0)), 'a:3')).toBeNull();
    expect(lagSeconds(status(primary, row('a:3', 7, 'ARBITER', T - 50_000)), 'a:3')).toBeNull();
  });

  it('STARTUP, STARTUP2 and RECOVERING with the epoch optimeDate have no lag (not 56 years)', () => {
    for (const [state, str] of [
      [0, 'STARTUP'],
      [5, 'STARTUP2'],
      [3, 'RECOVERING'],
    ] as const)
      expect(lagSeconds(status(primary, row('s:2', state, str, 0)), 's:2')).toBeNull();
  });

  it('a RECOVERING member with a real optime has a real lag', () => {
    expect(lagSeconds(status(primary, row('s:2', 3, 'RECOVERING', T - 90_000)), 's:2')).toBe(90);
  });

  it('a member the primary cannot reach has no lag (its optime there is stale)', () => {
    expect(lagSeconds(status(primary, row('s:2', 8, '(not reachable/healthy)', T - 30_000, 0)), 's:2')).toBeNull();
  });

  it('no primary in the view, or an unknown member: no lag', () => {
    expect(lagSeconds(status(row('s:1', 2, 'SECONDARY', T), row('s:2', 2, 'SECONDARY', T - 1000)), 's:2')).toBeNull();
    expect(lagSeconds(status(primary), 'x:9')).toBeNull();
  });

  it('a secondary ahead of the primary’s view of it is not negative', () => {
    expect(lagSeconds(status(primary, row('s:2', 2, 'SECONDARY', T + 300)), 's:2')).toBe(0);
  });

  it('a primary with the epoch optime gives no lag', () => {
    expect(lagSeconds(status(row('p:1', 1, 'PRIMARY', 0), row('s:2', 2, 'SECONDARY', T)), 's:2')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import type { Reason } from '../../../src/shared/status';
import { activeSite, evaluate } from '../../../src/main/monitor/rules';
import { ctx, healthy, iso, NOW } from './fixtures';

const reasons = (o: Overview): Reason[] => evaluate(o, ctx()).status.reasons;
const codes = (o: Overview, c = ctx()): string[] => evaluate(o, c).status.reasons.map((r) => `${r.level}:${r.code}:${r.subject}`);

describe('rules', () => {
  it('a healthy topology is green everywhere with no reasons', () => {
    const o = evaluate(healthy(), ctx());
    expect(o.status).toEqual({ level: 'green', reasons: [] });
    expect(o.sites.every((s) => s.status.level === 'green' && s.replicaSets.every((r) => r.members.every((m) => m.status.level === 'green')))).toBe(true);
  });

  it('after an activation, no primary on the old site is the fence holding: yellow and said so; on the active site it stays red', () => {
    const activation = { at: iso(60_000), label: 'execution ex-1', site: 'DR', from: 'DC' };
    const fenced = healthy((dc) => void (dc[0] = { ...dc[0], stateStr: 'SECONDARY' }));
    fenced.sites[0].replicaSets[0].primary = null;
    const r = evaluate(fenced, ctx({ activation }));
    const noPrimary = r.status.reasons.find((x) => x.code === 'NO_PRIMARY')!;
    expect(noPrimary).toMatchObject({ level: 'yellow', subject: 'DC/rs-dc' });
    expect(noPrimary.message).toContain('as it must while DR takes the writes');
    expect(r.sites[0].status.level).toBe('yellow');
    // The active site without a primary is the outage it always was.
    const drDown = healthy();
    drDown.sites[1].replicaSets[0].primary = null;
    expect(evaluate(drDown, ctx({ activation })).status.reasons.find((x) => x.code === 'NO_PRIMARY')).toMatchObject({ level: 'red', subject: 'DR/rs-dr' });
  });

  it('before the first poll everything is unknown', () => {
    expect(evaluate({ ...healthy(), polledAt: null }, ctx()).status.level).toBe('unknown');
  });

  it('NO_PRIMARY is red on the set and says how many members an election needs', () => {
    const o = healthy((dc) => {
      dc[0] = { ...dc[0], reachable: false, health: 0, stateStr: '(not reachable/healthy)', unreachableSince: iso(8000), lastSeen: iso(9000) };
      dc[2] = { ...dc[2], reachable: false, health: 0, stateStr: '(not reachable/healthy)', unreachableSince: iso(8000) };
      dc[1] = { ...dc[1], stateStr: 'SECONDARY' };
    });
    o.sites[0].replicaSets[0].primary = null;
    const r = evaluate(o, ctx());
    expect(r.status.level).toBe('red');
    const noPrimary = r.status.reasons.find((x) => x.code === 'NO_PRIMARY')!;
    expect(noPrimary).toMatchObject({ level: 'red', subject: 'DC/rs-dc' });
    expect(noPrimary.message).toBe('rs-dc has no primary: writes fail. 1 of 3 members are healthy and an election needs 2 — bring members back.');
    expect(codes(o)).toContain('yellow:ARBITER_DOWN:DC/rs-dc/dc-3');
    expect(r.sites[1].status.level).toBe('green');
  });

  it('MEMBER_DOWN: red when one healthy copy of the data is left, with since and last known state', () => {
    const o = healthy((dc) => {
      dc[0] = { ...dc[0], reachable: false, health: 0, stateStr: '(not reachable/healthy)', lastKnownStateStr: 'PRIMARY', unreachableSince: '2026-11-23T11:59:50.000Z', lastSeen: iso(12_000) };
      dc[1] = { ...dc[1], stateStr: 'PRIMARY' };
    });
    o.sites[0].replicaSets[0].primary = 'dc-2';
    const r = reasons(o).find((x) => x.code === 'MEMBER_DOWN')!;
    expect(r.level).toBe('red');
    expect(r.message).toBe(
      'dc-1 down since 2026-11-23T11:59:50.000Z (last known PRIMARY, seen 12 s ago): only 1 healthy copy of the data is left in rs-dc and no failover margin. Restart it or find out why it stopped.',
    );
  });

  it('MEMBER_DOWN is yellow while two healthy copies remain', () => {
    const o = healthy((dc) => {
      dc[2] = { ...dc[2], expectedRole: 'secondary', stateStr: 'SECONDARY', oplogWindowHours: 48 };
      dc.push({ ...dc[1], name: 'dc-4', host: '127.0.0.1:27004', reachable: false, health: 0, stateStr: '(not reachable/healthy)', unreachableSince: iso(5000) });
    });
    expect(codes(o)).toEqual(['yellow:MEMBER_DOWN:DC/rs-dc/dc-4']);
  });

  it('ARBITER_DOWN is yellow: no failover margin left', () => {
    const o = healthy((dc) => {
      dc[2] = { ...dc[2], reachable: false, health: 0, stateStr: '(not reachable/healthy)', unreachableSince: iso(5000), lastSeen: iso(6000) };
    });
    const r = reasons(o);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ code: 'ARBITER_DOWN', level: 'yellow', subject: 'DC/rs-dc/dc-3' });
    expect(r[0].message).toContain('rs-dc has no failover margin left — losing one more member leaves it without a primary');
  });

  it('a member that does not answer us but is healthy for the primary is STALE_DATA (network path), not down', () => {
    const o = healthy((dc) => {
      dc[1] = { ...dc[1], reachable: false, health: 1, unreachableSince: iso(5000) };
    });
    expect(codes(o)).toEqual(['yellow:STALE_DATA:DC/rs-dc/dc-2']);
    expect(reasons(o)[0].message).toContain('the primary sees it as SECONDARY: check the network path');
  });

  it('a member in STARTUP2 or RECOVERING is yellow', () => {
    const o = healthy((dc) => {
      dc[1] = { ...dc[1], stateStr: 'STARTUP2', state: 5, lagSeconds: null };
    });
    expect(codes(o)).toEqual(['yellow:MEMBER_DOWN:DC/rs-dc/dc-2']);
  });

  it('LAG_HIGH: below yellow green, from yellow (10 s) yellow, from red (60 s) red', () => {
    const lag = (s: number | null) => codes(healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: s })));
    expect(lag(9.9)).toEqual([]);
    expect(lag(null)).toEqual([]);
    expect(lag(10)).toEqual(['yellow:LAG_HIGH:DC/rs-dc/dc-2']);
    expect(lag(59.9)).toEqual(['yellow:LAG_HIGH:DC/rs-dc/dc-2']);
    expect(lag(60)).toEqual(['red:LAG_HIGH:DC/rs-dc/dc-2']);
    const r = reasons(healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: 75.25 })));
    expect(r[0].message).toBe('dc-2 is 75.3 s behind the primary (red from 60 s): check its disk, network and the write load.');
  });

  it('thresholds are configurable', () => {
    const o = healthy((dc) => void (dc[1] = { ...dc[1], lagSeconds: 4 }));
    const c = ctx();
    expect(codes(o, { ...c, thresholds: { ...c.thresholds, lagYellowSeconds: 3, lagRedSeconds: 5 } })).toEqual(['yellow:LAG_HIGH:DC/rs-dc/dc-2']);
    expect(codes(o, { ...c, thresholds: { ...c.thresholds, lagYellowSeconds: 2, lagRedSeconds: 4 } })).toEqual(['red:LAG_HIGH:DC/rs-dc/dc-2']);
  });

  it('OPLOG_WINDOW_SHORT: yellow under 24 h, red under 6 h, never for arbiters', () => {
    const win = (h: number) => codes(healthy((dc) => void (dc[0] = { ...dc[0], oplogWindowHours: h })));
    expect(win(24)).toEqual([]);
    expect(win(23.9)).toEqual(['yellow:OPLOG_WINDOW_SHORT:DC/rs-dc/dc-1']);
    expect(win(6)).toEqual(['yellow:OPLOG_WINDOW_SHORT:DC/rs-dc/dc-1']);
    expect(win(5.99)).toEqual(['red:OPLOG_WINDOW_SHORT:DC/rs-dc/dc-1']);
    expect(codes(healthy((dc) => void (dc[2] = { ...dc[2], oplogWindowHours: 0.1 })))).toEqual([]);
  });

  it('RECENT_ELECTION is yellow for recentElectionMinutes after the monitor saw the primary change', () => {
    const elections = new Map([['DC/rs-dc', { at: NOW - 60_000, from: 'dc-1', to: 'dc-2', term: 3 }]]);
    const o = healthy();
    expect(codes(o, ctx({ elections }))).toEqual(['yellow:RECENT_ELECTION:DC/rs-dc']);
    expect(evaluate(o, ctx({ elections })).status.reasons[0].message).toBe('rs-dc elected dc-2 as primary at 2026-11-23T11:59:00.000Z (was dc-1): find out why the previous primary stepped down.');
    expect(codes(o, ctx({ elections, now: NOW + 10 * 60_000 }))).toEqual([]);
  });

  it('SITE_UNREACHABLE is red with since-when and the last known state; members are STALE_DATA', () => {
    const o = healthy(
      (dc) => {
        for (let i = 0; i < 3; i++) dc[i] = { ...dc[i], reachable: false, health: null, unreachableSince: '2026-11-23T11:59:30.000Z', lastSeen: '2026-11-23T11:59:25.000Z' };
      },
      { dc: { reachable: false, lastSeen: '2026-11-23T11:59:25.000Z', unreachableSince: '2026-11-23T11:59:30.000Z' } },
    );
    const r = evaluate(o, ctx());
    expect(r.sites[0].status.level).toBe('red');
    expect(r.sites[1].status.level).toBe('green');
    const site = r.status.reasons.find((x) => x.code === 'SITE_UNREACHABLE')!;
    expect(site.message).toBe(
      'DC unreachable since 2026-11-23T11:59:30.000Z; last known state from 2026-11-23T11:59:25.000Z (35 s ago): rs-dc: dc-1 PRIMARY, dc-2 SECONDARY, dc-3 ARBITER. Check the network or VPN to DC.',
    );
    expect(r.status.reasons.filter((x) => x.code === 'STALE_DATA').map((x) => x.subject)).toEqual(['DC/rs-dc/dc-1', 'DC/rs-dc/dc-2', 'DC/rs-dc/dc-3']);
    expect(r.status.reasons.some((x) => x.code === 'NO_PRIMARY' || x.code === 'MEMBER_DOWN')).toBe(false);
  });

  it('a site never reached says so', () => {
    const o = healthy((dc) => dc.forEach((m, i) => (dc[i] = { ...m, reachable: false, lastSeen: null, unreachableSince: iso(1000) })), { dc: { reachable: false, lastSeen: null, unreachableSince: iso(1000) } });
    expect(reasons(o).find((x) => x.code === 'SITE_UNREACHABLE')!.message).toMatch(/has not answered since DR Desk started/);
  });

  it('VERSION_MISMATCH between DC and DR major.minor is yellow on DR; patch levels do not count', () => {
    expect(codes(healthy((_dc, dr) => dr.forEach((m, i) => (dr[i] = { ...m, version: '7.0.14' }))))).toEqual([]);
    const o = healthy((_dc, dr) => dr.forEach((m, i) => (dr[i] = { ...m, version: '6.0.5' })));
    expect(codes(o)).toEqual(['yellow:VERSION_MISMATCH:DC/DR']);
    expect(evaluate(o, ctx()).sites[1].status.level).toBe('yellow');
    expect(reasons(o)[0].message).toBe('DC runs MongoDB 7.0 but DR runs 6.0: restores and DR activation need the same major version. Upgrade the older site.');
  });

  it('APP_UNHEALTHY is red on the active site only', () => {
    const app = (ok: boolean) => [{ url: 'http://127.0.0.1:1/health', ok, httpStatus: ok ? 200 : 503, latencyMs: 1, checkedAt: iso(0), error: ok ? null : 'HTTP 503' }];
    const dcDown = healthy(undefined, { dc: { app: app(false) }, dr: { app: app(false) } });
    expect(codes(dcDown)).toEqual(['red:APP_UNHEALTHY:DC']);
    const standbyDown = healthy(undefined, { dc: { app: app(true) }, dr: { app: app(false) } });
    expect(codes(standbyDown)).toEqual([]);
    const activated = healthy(undefined, { dc: { app: app(false) }, dr: { app: app(true) } });
    expect(activeSite(activated.sites)?.name).toBe('DR');
    expect(codes(activated)).toEqual([]);
  });

  it('parents carry their children’s reasons and the worst level', () => {
    const o = evaluate(
      healthy((dc, dr) => {
        dc[1] = { ...dc[1], lagSeconds: 15 };
        dr[0] = { ...dr[0], oplogWindowHours: 2 };
      }),
      ctx(),
    );
    expect(o.sites[0].replicaSets[0].members[1].status.level).toBe('yellow');
    expect(o.sites[0].status.level).toBe('yellow');
    expect(o.sites[1].status.level).toBe('red');
    expect(o.status.level).toBe('red');
    expect(o.status.reasons.map((r) => r.code)).toEqual(['LAG_HIGH', 'OPLOG_WINDOW_SHORT']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ActivationInfo, BackupHeadline } from '../../../src/shared/monitor';
import { activeSite, evaluate } from '../../../src/main/monitor/rules';
import { ctx, healthy, iso } from './fixtures';

const activation: ActivationInfo = { at: iso(60_000), label: 'execution ex-1 (DR activation: DC → DR)', site: 'DR', from: 'DC' };
const dcApp = { url: 'http://127.0.0.1:8081/health', ok: true, httpStatus: 200, latencyMs: 3, checkedAt: iso(0), error: null };
const drApp = { ...dcApp, url: 'http://127.0.0.1:8082/health' };
const codes = (o: ReturnType<typeof evaluate>): string[] => o.status.reasons.map((r) => `${r.level}:${r.code}:${r.subject}`);

describe('which site is active, and split brain', () => {
  it('without an activation DC is active and DR primary (the backup target) is no split brain', () => {
    const o = evaluate(healthy(() => undefined, { dc: { app: [dcApp] } }), ctx({ activation: null }));
    expect(o.activeSite).toBe('DC');
    expect(o.sites.map((s) => s.active)).toEqual([true, false]);
    expect(o.status).toEqual({ level: 'green', reasons: [] });
  });

  it('after an activation DR is active everywhere, and DC answering as a writable primary is SPLIT_BRAIN, red and first', () => {
    const o = evaluate(healthy(() => undefined, { dr: { app: [drApp] } }), ctx({ activation }));
    expect(o.activeSite).toBe('DR');
    expect(o.sites.map((s) => s.active)).toEqual([false, true]);
    expect(o.status.level).toBe('red');
    expect(codes(o)[0]).toBe('red:SPLIT_BRAIN:DC');
    expect(o.status.reasons[0].message).toContain('rs-dc has a writable primary (dc-1)');
    expect(o.status.reasons[0].message).toContain('Fence DC');
  });

  it('after an activation a fenced DC (no primary) is no split brain, and DR is the application that must be up', () => {
    const o = evaluate(
      healthy((dc) => {
        dc[0] = { ...dc[0], stateStr: 'SECONDARY' };
      }, { dr: { app: [{ ...drApp, ok: false, error: 'connection refused' }] } }),
      ctx({ activation }),
    );
    o.sites[0].replicaSets[0].primary = null;
    const r = evaluate({ ...o, sites: o.sites.map((s) => ({ ...s, replicaSets: s.replicaSets.map((rs) => ({ ...rs, primary: rs.members.find((m) => m.stateStr === 'PRIMARY')?.name ?? null })) })) }, ctx({ activation }));
    expect(codes(r)).not.toContain('red:SPLIT_BRAIN:DC');
    expect(codes(r)).toContain('red:APP_UNHEALTHY:DR');
  });

  it("the inactive site's application answering is SPLIT_BRAIN, with or without an activation", () => {
    expect(codes(evaluate(healthy(() => undefined, { dc: { app: [dcApp] }, dr: { app: [drApp] } }), ctx({ activation: null })))[0]).toBe('red:SPLIT_BRAIN:DR');
    const after = evaluate(
      healthy((dc) => {
        dc[0] = { ...dc[0], stateStr: 'SECONDARY' };
      }, { dc: { app: [dcApp] }, dr: { app: [drApp] } }),
      ctx({ activation }),
    );
    expect(codes(after)[0]).toBe('red:SPLIT_BRAIN:DC');
    expect(after.status.reasons[0].message).toContain('its application answers at http://127.0.0.1:8081/health');
  });

  it('a failback (the activation record ended) swaps the roles back', () => {
    const sites = healthy().sites;
    expect(activeSite(sites, activation)?.name).toBe('DR');
    expect(activeSite(sites, null)?.name).toBe('DC');
  });
});

describe('backup readiness in the headline', () => {
  const noBaseline: BackupHeadline = {
    level: 'red',
    reasons: [{ code: 'BACKUP_CHAIN_BROKEN', level: 'red', subject: 'DC → DR', message: 'No baseline has been taken: start a baseline so DR gets a consistent copy of DC.' }],
    from: 'DC',
    to: 'DR',
    coveredUntil: null,
    behindSeconds: null,
    targetSeconds: 90,
  };

  it('a healthy replication with no baseline is not healthy: the backup reason is in the overall status', () => {
    const o = evaluate(healthy(), ctx({ activation: null, backup: noBaseline }));
    expect(o.status.level).toBe('red');
    expect(codes(o)).toEqual(['red:BACKUP_CHAIN_BROKEN:DC → DR']);
    expect(o.backup).toEqual(noBaseline);
    // The sites themselves stay green: the reason is the route's, not a member's.
    expect(o.sites.map((s) => s.status.level)).toEqual(['green', 'green']);
  });

  it('a ready backup adds nothing', () => {
    const ready: BackupHeadline = { ...noBaseline, level: 'green', reasons: [], coveredUntil: iso(20_000), behindSeconds: 20 };
    expect(evaluate(healthy(), ctx({ activation: null, backup: ready })).status).toEqual({ level: 'green', reasons: [] });
  });
});

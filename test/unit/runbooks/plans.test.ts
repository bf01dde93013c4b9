import { describe, expect, it } from 'vitest';
import { describeOperation } from '../../../src/main/runbooks/describe';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import { twoSiteTopology } from './fixtures';

describe('built-in plans', () => {
  it('switchover: precheck the primary, step it down with catch-up, wait for another primary, probe a write', () => {
    const plan = buildPlan('switchover', twoSiteTopology(), { stepDownSecs: 60, secondaryCatchUpPeriodSecs: 10 });
    expect(plan.steps.map((s) => [s.n, s.kind, s.operation.op])).toEqual([
      [1, 'precheck', 'mongo.expectPrimary'],
      [2, 'action', 'mongo.stepDown'],
      [3, 'wait-until', 'mongo.waitWritablePrimary'],
      [4, 'postcheck', 'mongo.writeProbe'],
    ]);
    const down = plan.steps[1].operation;
    expect(down).toMatchObject({ member: { name: 'dc-1', address: '127.0.0.1:27017' }, stepDownSecs: 60, secondaryCatchUpPeriodSecs: 10, force: false });
    expect(plan.steps[2].operation).toMatchObject({ notMember: 'dc-1' });
    // Arbiters are never targets of writes or step-downs.
    expect(JSON.stringify(plan)).not.toContain('dc-3');
  });

  it('switchover follows the observed primary, not the configured one', () => {
    const plan = buildPlan('switchover', twoSiteTopology(), {}, { currentPrimary: 'dc-2' });
    expect(plan.steps[1].operation).toMatchObject({ member: { name: 'dc-2' } });
    expect(() => buildPlan('switchover', twoSiteTopology(), {}, { currentPrimary: 'dc-3' })).toThrow(/PLAN_NO_PRIMARY|data-bearing/);
  });

  it('DR activation: verify, fence, split-brain guard, apply, promote, services over SSH, health, traffic, postchecks', () => {
    const plan = buildPlan('dr-activation', twoSiteTopology(), { trafficHook: { kind: 'command', argv: ['/usr/local/bin/lb-switch', '--to', '{site}'] } });
    const ids = plan.steps.map((s) => s.id);
    expect(ids).toEqual([
      'verify-slice',
      'fence-dc',
      'split-brain-guard',
      'apply-slice',
      'promote-rs-dr',
      'write-probe-rs-dr',
      'start-app-1',
      'start-app-2',
      'app-health',
      'switch-traffic',
      'final-health',
      'final-guard',
    ]);
    // The guard stands between fencing and anything that promotes DR.
    expect(ids.indexOf('split-brain-guard')).toBeGreaterThan(ids.indexOf('fence-dc'));
    expect(ids.indexOf('split-brain-guard')).toBeLessThan(ids.indexOf('promote-rs-dr'));
    const apply = plan.steps.find((s) => s.id === 'apply-slice')!;
    expect(apply.idempotent).toBe(false);
    const start = plan.steps.find((s) => s.id === 'start-app-2')!;
    expect(start.operation).toEqual({ op: 'ssh.exec', target: { host: 'dr-app', address: '10.0.1.1', port: 22, username: 'ops' }, argv: ['systemctl', 'start', '--', 'soar-worker'] });
    expect(start.compensation?.operation).toMatchObject({ argv: ['systemctl', 'stop', '--', 'soar-worker'] });
    const traffic = plan.steps.find((s) => s.id === 'switch-traffic')!;
    expect(traffic.operation).toMatchObject({ hook: { kind: 'command', argv: ['/usr/local/bin/lb-switch', '--to', 'DR'] } });
    expect(traffic.compensation?.operation).toMatchObject({ hook: { argv: ['/usr/local/bin/lb-switch', '--to', 'DC'] } });
    expect(plan.steps.find((s) => s.id === 'fence-dc')!.operation).toMatchObject({ members: [{ name: 'dc-1' }, { name: 'dc-2' }] });
  });

  it('DR activation without fencing keeps the guard and no fence step; no hook means a manual confirmation', () => {
    const plan = buildPlan('dr-activation', twoSiteTopology(), { dcFencing: 'require-down' });
    expect(plan.steps.some((s) => s.operation.op === 'mongo.fence')).toBe(false);
    expect(plan.steps.some((s) => s.operation.op === 'guard.siteNotWritable')).toBe(true);
    expect(plan.steps.find((s) => s.id === 'switch-traffic')).toMatchObject({ kind: 'manual-confirmation', operation: { op: 'manual.confirm' } });
    expect(plan.warnings.join(' ')).toMatch(/traffic hook/);
  });

  it('sandbox plans start the simulated application instead of SSH services', () => {
    const topo = twoSiteTopology({ drServices: [] });
    const plan = buildPlan('dr-activation', topo, { sandboxApps: true });
    expect(plan.steps.filter((s) => s.operation.op === 'ssh.exec')).toHaveLength(0);
    expect(plan.steps.find((s) => s.operation.op === 'sandbox.fault')?.operation).toMatchObject({ fault: { action: 'app', target: 'DR', running: true } });
  });

  it('failback: DC unfenced and writable, catch-up, DR quiesced, final cycle, DC app, traffic back, DR standby', () => {
    const plan = buildPlan('failback', twoSiteTopology(), { trafficHook: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:9/switch?to={site}', body: null, expectStatus: 200 } });
    const ops = plan.steps.map((s) => `${s.id}:${s.operation.op}`);
    expect(ops[0]).toBe('dr-active-rs-dr:mongo.writeProbe');
    expect(ops).toContain('unfence-dc:mongo.unfence');
    const cycles = plan.steps.filter((s) => s.operation.op === 'backup.cycle');
    expect(cycles.map((c) => c.operation)).toEqual([
      { op: 'backup.cycle', from: 'DR', to: 'DC' },
      { op: 'backup.cycle', from: 'DR', to: 'DC' },
    ]);
    // DR's services stop before the final cycle, so nothing written on DR is left behind.
    const quiesce = plan.steps.findIndex((s) => s.id.startsWith('quiesce-dr'));
    expect(quiesce).toBeGreaterThan(plan.steps.indexOf(cycles[0]));
    expect(quiesce).toBeLessThan(plan.steps.indexOf(cycles[1]));
    expect(plan.steps.find((s) => s.id === 'switch-traffic-back')?.operation).toMatchObject({ hook: { url: 'http://127.0.0.1:9/switch?to=DC' } });
    expect(plan.steps.at(-2)).toMatchObject({ id: 'dr-standby', operation: { expect: 'down' } });
    // Last: DC → DR backups, stopped by the activation, resume where both sites hold the same data.
    expect(plan.steps.at(-1)).toMatchObject({ id: 'resume-backups', operation: { op: 'backup.resumeRoute', from: 'DC', to: 'DR' }, idempotent: true });
  });

  it('plans are stable: same inputs, same digest; any change, another digest', () => {
    const a = buildPlan('dr-activation', twoSiteTopology());
    const b = buildPlan('dr-activation', twoSiteTopology());
    expect(planDigest(a)).toBe(planDigest(b));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(planDigest(buildPlan('dr-activation', twoSiteTopology({ drServices: ['other'] })))).not.toBe(planDigest(a));
  });

  it('hostile service and host names stay single quoted words in the rendered command', () => {
    // The topology refuses such names at load (topology tests); injected after parsing, the quoting still holds.
    expect(() => twoSiteTopology({ drServices: ['x; rm -rf /'] })).toThrow();
    expect(() => twoSiteTopology({ drHost: 'h; reboot' })).toThrow();
    const topo = twoSiteTopology();
    Object.assign(topo.sites.find((s) => s.role === 'dr')!.ssh[0], { services: ['x; rm -rf /', '$(touch /tmp/p)', '`id`', "a'b", 'l1\nl2'], host: 'h; reboot' });
    const plan = buildPlan('dr-activation', topo);
    const cmds = plan.steps.filter((s) => s.operation.op === 'ssh.exec').map((s) => describeOperation(s.operation));
    expect(cmds[0]).toContain("systemctl start -- 'x; rm -rf /'");
    expect(cmds[1]).toContain("systemctl start -- '$(touch /tmp/p)'");
    expect(cmds[2]).toContain("systemctl start -- '`id`'");
    expect(cmds[3]).toContain(`systemctl start -- 'a'\\''b'`);
    expect(cmds[4]).toContain("systemctl start -- 'l1\nl2'");
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hello } from '../../../src/main/runbooks/steps/mongo-access';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import { recordingBackup, startHarness, type RunbookHarness } from './harness';

const backup = recordingBackup();
let h: RunbookHarness;
beforeAll(async () => {
  h = await startHarness({ backup });
});
afterAll(() => h?.close());

const settings = { sandboxApps: true, trafficHook: { kind: 'command' as const, argv: [process.execPath, '-e', 'process.stdout.write("to " + process.argv[1])', '{site}'] } };

async function dcWritable(): Promise<string[]> {
  const dc = h.topology.sites.find((s) => s.role === 'dc')!;
  const out: string[] = [];
  for (const m of dc.replicaSets[0].members) if ((await hello(h.mongo, `${m.host}:${m.port}`, 2000)).writablePrimary) out.push(m.name);
  return out;
}

async function appUp(site: string): Promise<boolean> {
  const url = h.topology.sites.find((s) => s.name === site)!.appHealthUrls[0];
  return (await fetch(url)).status === 200;
}

describe('DR activation under a DC/DR partition (split-brain rule)', () => {
  it('refuses to promote DR while the DC primary is reachable and writable', async () => {
    for (let i = 0; i < 100 && (await dcWritable()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await h.sandbox.fault({ action: 'partition', target: 'DC', from: 'DR' });
    const plan = buildPlan('dr-activation', h.topology, { ...settings, dcFencing: 'require-down' });
    const v = await h.executor.settled(h.executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'test' }).id);
    expect(v.status).toBe('failed');
    const guard = v.steps.find((s) => s.id === 'split-brain-guard')!;
    expect(guard.error?.code).toBe('SPLIT_BRAIN_RISK');
    expect(guard.error?.message).toMatch(/dc-1 .* writable primary/);
    expect(backup.applies).toEqual([]);
    expect(v.steps.filter((s) => s.status !== 'pending').map((s) => s.id)).toEqual(['verify-slice', 'split-brain-guard']);
    expect(await appUp('DR')).toBe(false);
    expect(await dcWritable()).toEqual(['dc-1']);
  });

  it('proceeds after fencing: DC stops taking writes, DR serves the application', async () => {
    const plan = buildPlan('dr-activation', h.topology, { ...settings, dcFencing: 'fence', fenceSeconds: 120 });
    const v = await h.executor.settled(h.executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'test' }).id);
    expect(v.status, JSON.stringify(v.steps.map((s) => [s.id, s.status, s.error?.message]))).toBe('succeeded');
    expect(v.steps.find((s) => s.id === 'fence-dc')?.attempts[0].output).toMatch(/dc-2: frozen 120 s.*dc-1: stepped down/);
    expect(backup.applies).toEqual(['DC->DR']);
    expect(await dcWritable()).toEqual([]);
    expect(await appUp('DR')).toBe(true);
    expect(v.steps.find((s) => s.id === 'switch-traffic')?.attempts[0].output).toMatch(/traffic switched to DR: to DR/);
  });
});

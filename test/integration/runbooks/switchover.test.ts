import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hello } from '../../../src/main/runbooks/steps/mongo-access';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import { startHarness, type RunbookHarness } from './harness';

let h: RunbookHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function primaryOf(names: string[]): Promise<string | null> {
  const site = h.topology.sites.find((s) => s.role === 'dc')!;
  for (const m of site.replicaSets[0].members.filter((x) => names.includes(x.name))) if ((await hello(h.mongo, `${m.host}:${m.port}`, 2000)).writablePrimary) return m.name;
  return null;
}

describe('local switchover on the sandbox', () => {
  it('steps the primary down with a catch-up period, a secondary takes over, and a majority write succeeds', async () => {
    for (let i = 0; i < 100 && (await primaryOf(['dc-1'])) !== 'dc-1'; i++) await new Promise((r) => setTimeout(r, 100));
    const plan = buildPlan('switchover', h.topology, { stepDownSecs: 30, secondaryCatchUpPeriodSecs: 10 }, { currentPrimary: 'dc-1' });
    const started = h.executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'test' });
    const v = await h.executor.settled(started.id);
    expect(v.status, JSON.stringify(v.steps.map((s) => [s.id, s.status, s.error]))).toBe('succeeded');
    expect(v.steps.find((s) => s.id === 'new-primary')?.attempts[0].output).toMatch(/dc-2 is the writable primary/);
    expect(await primaryOf(['dc-1', 'dc-2'])).toBe('dc-2');
    expect(h.audit.filter((a) => a.action === 'runbook.step.finished')).toHaveLength(plan.steps.length);
  });

  it('refuses to step down a member that is no longer the primary named in the plan', async () => {
    const plan = buildPlan('switchover', h.topology, {}, { currentPrimary: 'dc-1' });
    const v = await h.executor.settled(h.executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'test' }).id);
    expect(v.status).toBe('failed');
    expect(v.steps[0].error?.code).toBe('PRIMARY_CHANGED');
    expect(v.steps[1].status).toBe('pending');
  });
});

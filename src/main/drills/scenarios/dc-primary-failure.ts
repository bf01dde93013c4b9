import type { Scenario } from '../types';
import { currentPrimary, dataMembers, site, waitAppHealthy, waitPrimary } from './helpers';

/** Seed 000 "Local MongoDB Recovery": the DC primary fails, the secondary + arbiter elect a new primary. */
export const dcPrimaryFailure: Scenario = {
  info: {
    name: 'dc-primary-failure',
    title: 'DC primary failure → automatic election',
    description: 'The DC primary is killed under a live workload; the DC secondary and arbiter elect a new primary without anyone acting.',
    runbook: null,
    expectation: 'A new DC primary takes writes and the application answers within the RTO target; no majority-acknowledged write is lost.',
  },
  needs: [],
  targetSite: (t) => site(t, 'dc').name,
  async run(ctx) {
    const { env } = ctx;
    const dc = site(env.topology, 'dc');
    const members = dataMembers(dc);
    ctx.phase('setup', 'waiting for the DC primary and a few acknowledged writes');
    const before = await waitPrimary(env.mongo, members, null, 30_000);
    if (!before) throw Object.assign(new Error(`${dc.name} has no primary to fail: the sandbox did not settle`), { code: 'DRILL_SETUP' });
    await new Promise((r) => setTimeout(r, 2000));
    ctx.phase('fault', `killing ${before.member.name}`);
    await env.sandbox.fault({ action: 'kill', target: before.member.name });
    const faultAt = ctx.mark(`${before.member.name} (DC primary) killed`);
    const after = await waitPrimary(env.mongo, members, before.member.name, 90_000);
    if (after) ctx.mark(`${after.member.name} elected primary`);
    const healthyAt = after ? await waitAppHealthy(dc.appHealthUrls, 30_000) : null;
    if (healthyAt) ctx.mark(`application healthy on ${dc.name}`);
    ctx.expect('A new primary was elected automatically', after !== null, after ? `${after.member.name} after ${((after.at - faultAt) / 1000).toFixed(1)} s` : 'no primary within 90 s');
    const now = await currentPrimary(env.mongo, members);
    ctx.expect('The failed member did not come back as primary', now?.name !== before.member.name, `primary now: ${now?.name ?? 'none'}`);
    const m = await ctx.tracker.measure();
    const lostMajority = env.sandbox.ledger.ackedIds().filter((a) => a.majority && !ctx.tracker.has(a.id)).length;
    ctx.expect('No majority-acknowledged write lost', m !== null && lostMajority === 0, m ? `${lostMajority} majority-acknowledged and ${m.missing} acknowledged writes (of ${m.acknowledged}) missing on the new primary` : 'could not read the new primary');
    return {
      operation: 'Automatic local failover (no runbook)',
      rtoFrom: { at: faultAt, label: `the injected failure (${before.member.name} killed)` },
      rtoTo: { at: healthyAt, label: `a new writable primary and the application healthy on ${dc.name}` },
      execution: null,
      approval: null,
      passed: after !== null && healthyAt !== null,
    };
  },
};

import { DeskError } from '../../../shared/errors';
import { buildPlan } from '../../runbooks/plans/index';
import type { DrillBackup, Scenario, ScenarioContext } from '../types';
import { dataMembers, expectSucceeded, ON_DR_WITH_BACKUP, site, stepFinishedAt, stepRan, trafficSwitched, waitPrimary } from './helpers';

function backupOf(ctx: ScenarioContext): DrillBackup {
  if (!ctx.env.backup) throw new DeskError('DRILL_NEEDS_BACKUP', 'This drill needs the backup pipeline (DC → DR slices): run it where the backup module is configured.');
  return ctx.env.backup;
}

/** The state every DR-activation drill starts from: a DC primary taking writes, and a fresh slice on DR. */
async function prepare(ctx: ScenarioContext): Promise<void> {
  const { env } = ctx;
  const dc = site(env.topology, 'dc');
  const dr = site(env.topology, 'dr');
  ctx.phase('setup', 'waiting for the DC primary and the workload');
  if (!(await waitPrimary(env.mongo, dataMembers(dc), null, 30_000))) throw new DeskError('DRILL_SETUP', `${dc.name} has no primary: the sandbox did not settle; start the drill again.`);
  await new Promise((r) => setTimeout(r, 2000));
  ctx.phase('setup', `shipping a slice ${dc.name} → ${dr.name}`);
  const r = await backupOf(ctx).cycle(dc.name, dr.name, { signal: AbortSignal.timeout(120_000) });
  ctx.mark(`backup slice shipped and applied (${r.summary})`);
  // Writes keep arriving after the last slice, as they would between two scheduled cycles.
  await new Promise((r2) => setTimeout(r2, 2000));
}

function activationPlan(ctx: ScenarioContext, fencing: 'fence' | 'require-down') {
  return buildPlan('dr-activation', ctx.env.topology, { ...ctx.env.settings, dcFencing: fencing });
}

export const dcSiteLoss: Scenario = {
  info: {
    name: 'dc-site-loss',
    title: 'DC site loss → DR activation',
    description: 'Every DC member is killed under a live workload; DR is activated from the latest verified slice through the approved runbook.',
    runbook: 'dr-activation',
    expectation: 'DR serves writes and the application within the RTO target, missing no more acknowledged writes than the RPO target allows.',
  },
  ...ON_DR_WITH_BACKUP,
  async run(ctx) {
    const dc = site(ctx.env.topology, 'dc');
    await prepare(ctx);
    ctx.phase('fault', `killing every ${dc.name} member`);
    await ctx.env.sandbox.fault({ action: 'kill', target: dc.name });
    const faultAt = ctx.mark(`${dc.name} site lost (all members killed)`);
    const { execution, approval } = await ctx.requestAndRun(activationPlan(ctx, 'fence'), `Drill ${ctx.drillId}: DC site loss`);
    expectSucceeded(ctx, 'DR activation completed', execution);
    ctx.expect('DR serves writes', stepFinishedAt(execution, `write-probe-${site(ctx.env.topology, 'dr').replicaSets[0].name}`) !== null, 'majority write probe on DR');
    return { operation: 'DR activation (drill on the sandbox)', rtoFrom: { at: faultAt, label: `the injected failure (${dc.name} killed)` }, rtoTo: trafficSwitched(execution), execution, approval, passed: execution.status === 'succeeded' };
  },
};

export const partition: Scenario = {
  info: {
    name: 'partition',
    title: 'Network partition between the sites (split brain)',
    description: 'DC and DR are cut off from each other while DC keeps its primary. DR activation without fencing must refuse; the plan that fences DC then proceeds.',
    runbook: 'dr-activation',
    expectation: 'DR is never promoted while the DC primary is writable; after fencing, activation completes and DC takes no writes.',
  },
  ...ON_DR_WITH_BACKUP,
  async run(ctx) {
    const dc = site(ctx.env.topology, 'dc');
    const dr = site(ctx.env.topology, 'dr');
    await prepare(ctx);
    ctx.phase('fault', `partitioning ${dc.name} from ${dr.name}`);
    await ctx.env.sandbox.fault({ action: 'partition', target: dc.name, from: dr.name });
    ctx.mark(`${dc.name} partitioned from ${dr.name}`);
    const first = await ctx.requestAndRun(activationPlan(ctx, 'require-down'), `Drill ${ctx.drillId}: partition, DC not fenced`);
    const guard = first.execution.steps.find((s) => s.id === 'split-brain-guard');
    ctx.expect('Activation without fencing refused by the split-brain guard', guard?.error?.code === 'SPLIT_BRAIN_RISK', guard?.error?.message ?? `guard step ${guard?.status ?? 'missing'}`);
    ctx.expect('Nothing applied or promoted on DR before fencing', !stepRan(first.execution, 'apply-slice') && !first.execution.steps.some((s) => s.id.startsWith('promote-') && s.attempts.length > 0), `first execution ${first.execution.id}: ${first.execution.status}`);
    ctx.mark('unfenced activation refused (SPLIT_BRAIN_RISK)');
    const second = await ctx.requestAndRun(activationPlan(ctx, 'fence'), `Drill ${ctx.drillId}: partition, fence DC then activate DR`);
    expectSucceeded(ctx, 'Activation with fencing completed', second.execution);
    ctx.expect(`${dc.name} takes no writes after fencing`, stepFinishedAt(second.execution, 'final-guard') !== null, 'final split-brain guard');
    return {
      operation: 'DR activation under partition (drill on the sandbox)',
      rtoFrom: { at: second.requestedAt, label: 'the request of the fencing plan' },
      rtoTo: trafficSwitched(second.execution),
      execution: second.execution,
      approval: second.approval,
      passed: guard?.error?.code === 'SPLIT_BRAIN_RISK' && second.execution.status === 'succeeded',
    };
  },
};

export const corruptedSlice: Scenario = {
  info: {
    name: 'corrupted-slice',
    title: 'Corrupted backup slice',
    description: 'One byte of the newest slice shipped to DR is flipped, then DR activation is requested. Its precheck must refuse the slice; the slice is shipped again and the execution resumed.',
    runbook: 'dr-activation',
    expectation: 'The corrupted slice is never applied; after it is shipped again, the resumed activation completes.',
  },
  ...ON_DR_WITH_BACKUP,
  async run(ctx) {
    const dc = site(ctx.env.topology, 'dc');
    const dr = site(ctx.env.topology, 'dr');
    const backup = backupOf(ctx);
    await prepare(ctx);
    ctx.phase('fault', 'flipping one byte of the newest shipped slice');
    const file = await backup.corruptLatest(dc.name, dr.name);
    ctx.mark(`slice corrupted (${file})`);
    const first = await ctx.requestAndRun(activationPlan(ctx, 'fence'), `Drill ${ctx.drillId}: corrupted slice`);
    const verify = first.execution.steps.find((s) => s.id === 'verify-slice');
    ctx.expect('The corrupted slice was refused before anything changed', first.execution.status === 'failed' && verify?.status === 'failed' && !stepRan(first.execution, 'apply-slice'), verify?.error?.message ?? `verify step ${verify?.status}`);
    ctx.phase('execution', 'shipping the slice again');
    const again = await backup.cycle(dc.name, dr.name, { signal: AbortSignal.timeout(120_000) });
    ctx.mark(`slice shipped again (${again.summary})`);
    ctx.env.executor.resume(first.execution.id, { by: ctx.env.initiator });
    const resumed = await ctx.env.executor.settled(first.execution.id);
    ctx.mark(`execution resumed: ${resumed.status}`);
    expectSucceeded(ctx, 'The resumed activation completed', resumed);
    return {
      operation: 'DR activation with a corrupted slice (drill on the sandbox)',
      rtoFrom: { at: first.requestedAt, label: 'the request' },
      rtoTo: trafficSwitched(resumed),
      execution: resumed,
      approval: first.approval,
      passed: verify?.status === 'failed' && resumed.status === 'succeeded',
    };
  },
};

import { ObjectId } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import { buildPlan } from '../../runbooks/plans/index';
import type { WorkloadLedger } from '../../sandbox/types';
import type { Scenario } from '../types';
import { dataMembers, expectSucceeded, ON_DR_WITH_BACKUP, site, stepFinishedAt, waitPrimary } from './helpers';
import { dcSiteLoss } from './activation';

const DR_WRITES = 200;

/**
 * Failback (seed 000: "replicate incremental changes from DR back to DC, shift traffic back"): DR is
 * activated after a DC loss, takes writes of its own, DC comes back, and the failback runbook brings DR's
 * changes to DC, switches traffic back and returns DR to standby. RPO: DR's writes missing on DC.
 */
export const failback: Scenario = {
  info: {
    name: 'failback',
    title: 'Failback DR → DC',
    description: "After a DC loss and DR activation, DR takes writes; DC is revived and the failback runbook ships DR's changes back, switches traffic and returns DR to standby.",
    runbook: 'failback',
    expectation: "Every write made on DR while it was active is on DC after failback, and DC serves the application within the RTO target.",
  },
  ...ON_DR_WITH_BACKUP,
  async run(ctx) {
    const { env } = ctx;
    const dc = site(env.topology, 'dc');
    const dr = site(env.topology, 'dr');
    const activation = await dcSiteLoss.run(ctx);
    if (activation.execution?.status !== 'succeeded') throw new DeskError('DRILL_SETUP', `DR activation did not complete (${activation.execution?.status ?? 'not run'}): failback cannot be drilled.`);

    // The application now runs on DR: the sandbox's workload (which writes to DC) stops with the DC's traffic.
    // Its timer stops at once; writes still waiting for the dead DC settle in the background.
    env.sandbox.stopWorkload().catch(() => undefined);
    ctx.phase('execution', `writing ${DR_WRITES} documents on ${dr.name} while it is active`);
    const primary = await waitPrimary(env.mongo, dataMembers(dr), null, 30_000);
    if (!primary) throw new DeskError('DRILL_SETUP', `${dr.name} has no primary after activation.`);
    const acked: Array<{ id: string; at: number; majority: boolean }> = [];
    for (let i = 0; i < DR_WRITES; i++) {
      const _id = new ObjectId();
      const r = await env.mongo.command(primary.member.address, { insert: 'events', documents: [{ _id, seq: i, type: 'alert', source: `drill ${ctx.drillId} on ${dr.name}`, at: new Date() }], writeConcern: { w: 'majority' } }, { db: 'soar', timeoutMs: 10_000 });
      if (r.n === 1) acked.push({ id: `soar.events/${_id.toHexString()}`, at: Date.now(), majority: true });
    }
    ctx.mark(`${acked.length} writes acknowledged on ${dr.name}`);
    const drLedger: WorkloadLedger = {
      acknowledged: acked.length,
      acknowledgedMajority: acked.length,
      failed: DR_WRITES - acked.length,
      lastAckAt: acked.length ? new Date(acked[acked.length - 1].at).toISOString() : null,
      ackedIds: () => acked,
    };
    ctx.retrack(drLedger, dataMembers(dc));

    ctx.phase('execution', `reviving ${dc.name}`);
    for (const m of env.sandbox.state().members.filter((x) => x.site === dc.name && !x.alive)) await env.sandbox.fault({ action: 'revive', target: m.name });
    ctx.mark(`${dc.name} revived`);
    const plan = buildPlan('failback', env.topology, env.settings);
    const { execution, approval, requestedAt } = await ctx.requestAndRun(plan, `Drill ${ctx.drillId}: failback to DC`);
    expectSucceeded(ctx, 'Failback completed', execution);
    // How the route back started, in the report: anchored (only DR's changes travelled) or a baseline, and why.
    const routeBack = (execution.steps.find((s) => s.id === 'catch-up-cycle')?.attempts.at(-1)?.output.split('\n')[0] ?? '').split('; then cycle')[0];
    if (routeBack.startsWith('baseline')) ctx.warn(`Failback's route back began with a ${routeBack}: the writes ${dc.name} took that ${dr.name} never received are no longer on ${dc.name}.`);
    else if (routeBack.startsWith('chain anchored')) ctx.mark(`route back ${dr.name} → ${dc.name}: ${routeBack.split(':')[0]} at the activation point`);
    const m = await ctx.tracker.measure();
    ctx.expect(`Every write made on ${dr.name} is on ${dc.name}`, m !== null && m.missing === 0, m ? `${m.missing} of ${m.acknowledged} missing on ${dc.name}` : `${dc.name} could not be read`);
    return {
      operation: 'Failback DR → DC (drill on the sandbox)',
      rtoFrom: { at: requestedAt, label: 'the failback request' },
      rtoTo: { at: stepFinishedAt(execution, 'switch-traffic-back'), label: `the application healthy on ${dc.name} and traffic switched back` },
      execution,
      approval,
      passed: execution.status === 'succeeded' && m !== null && m.missing === 0,
    };
  },
};

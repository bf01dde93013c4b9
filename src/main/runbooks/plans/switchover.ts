import { DeskError } from '../../../shared/errors';
import type { Topology } from '../../../shared/topology';
import type { Plan } from '../runbook';
import { numberSteps, step } from '../runbook';
import type { RunbookSettings } from '../settings';
import { dataMembers, siteByName, siteByRole, writeProbeStep } from './common';

export interface SwitchoverParams {
  /** Site whose replica set switches over (default: the DC). */
  site?: string;
  replicaSet?: string;
  /** The member that is primary now, as observed when the request is made (default: the topology's). */
  currentPrimary?: string;
}

/** Local switchover: step the primary down with a catch-up period, wait for the new primary, prove a write. */
export function buildSwitchoverPlan(topology: Topology, settings: RunbookSettings, params: SwitchoverParams = {}): Plan {
  const site = params.site ? siteByName(topology, params.site) : siteByRole(topology, 'dc');
  const rs = params.replicaSet ? site.replicaSets.find((r) => r.name === params.replicaSet) : site.replicaSets[0];
  if (!rs) throw new DeskError('PLAN_NO_REPLICA_SET', `Site ${site.name} has no replica set "${params.replicaSet}": use one of ${site.replicaSets.map((r) => r.name).join(', ')}.`);
  const members = dataMembers(rs);
  const fromName = params.currentPrimary ?? rs.members.find((m) => m.role === 'primary')?.name;
  const from = members.find((m) => m.name === fromName);
  if (!from) throw new DeskError('PLAN_NO_PRIMARY', `No data-bearing member "${fromName ?? '(none)'}" in ${rs.name}: pass the current primary's member name.`);
  if (members.length < 2) throw new DeskError('PLAN_NO_SECONDARY', `${rs.name} has no other data-bearing member to take over: a switchover needs at least two.`);
  const target = { site: site.name, replicaSet: rs.name };
  const steps = numberSteps([
    step('expect-primary', 'precheck', `${from.name} is the primary of ${rs.name}`, { ...target, member: from.name }, { op: 'mongo.expectPrimary', replicaSet: rs.name, members, expected: from.name }, {
      timeoutMs: 10_000,
      retries: 2,
      retryDelayMs: 500,
      idempotent: true,
    }),
    step(
      'step-down',
      'action',
      `Step down ${from.name} (replSetStepDown ${settings.stepDownSecs} s, catch-up ${settings.secondaryCatchUpPeriodSecs} s)`,
      { ...target, member: from.name },
      { op: 'mongo.stepDown', member: from, stepDownSecs: settings.stepDownSecs, secondaryCatchUpPeriodSecs: settings.secondaryCatchUpPeriodSecs, force: false },
      { timeoutMs: (settings.secondaryCatchUpPeriodSecs + 15) * 1000, idempotent: true },
    ),
    step('new-primary', 'wait-until', `A member other than ${from.name} is the writable primary`, target, { op: 'mongo.waitWritablePrimary', replicaSet: rs.name, members, notMember: from.name, pollMs: 200 }, {
      timeoutMs: settings.electionTimeoutMs,
      idempotent: true,
    }),
    writeProbeStep('write-probe', 'postcheck', site, rs, settings),
  ]);
  return {
    schema: 'drdesk.plan/1',
    runbook: 'switchover',
    title: `Local switchover of ${rs.name} on ${site.name}`,
    topology: topology.name,
    params: { site: site.name, replicaSet: rs.name, currentPrimary: from.name, stepDownSecs: settings.stepDownSecs, secondaryCatchUpPeriodSecs: settings.secondaryCatchUpPeriodSecs },
    warnings: [],
    steps,
  };
}

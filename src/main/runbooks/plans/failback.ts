import type { Topology } from '../../../shared/topology';
import type { Plan } from '../runbook';
import { numberSteps, step } from '../runbook';
import type { RunbookSettings } from '../settings';
import { appSteps, dataMembers, healthStep, siteByRole, siteDataMembers, trafficStep, writeProbeStep } from './common';

/**
 * Failback: bring DR's changes since activation back to DC through the same backup pipeline in the other
 * direction, with DR's application quiesced before the final slice so nothing written on DR is left behind;
 * then DC's application, traffic back, DR returned to standby (application stopped, no traffic), and the
 * DC → DR backups that DR activation stopped resumed from the point where both sites hold the same data.
 */
export function buildFailbackPlan(topology: Topology, settings: RunbookSettings): Plan {
  const dc = siteByRole(topology, 'dc');
  const dr = siteByRole(topology, 'dr');
  const dcMembers = siteDataMembers(dc);
  const drafts = dr.replicaSets.map((rs) => writeProbeStep(`dr-active-${rs.name}`, 'precheck', dr, rs, settings));
  drafts.push(
    step('unfence-dc', 'action', `Lift any fence on ${dc.name} (replSetFreeze 0)`, { site: dc.name }, { op: 'mongo.unfence', site: dc.name, members: dcMembers }, { timeoutMs: 30_000, retries: 2, retryDelayMs: 1000, idempotent: true }),
  );
  for (const rs of dc.replicaSets)
    drafts.push(
      step(`dc-primary-${rs.name}`, 'wait-until', `${rs.name} on ${dc.name} has a writable primary`, { site: dc.name, replicaSet: rs.name }, { op: 'mongo.waitWritablePrimary', replicaSet: rs.name, members: dataMembers(rs), notMember: null, pollMs: 250 }, {
        timeoutMs: settings.electionTimeoutMs,
        idempotent: true,
      }),
    );
  drafts.push(
    step(
      'catch-up-cycle',
      'action',
      `Ship ${dr.name}'s changes since activation to ${dc.name}: the chain starts at the activation point if ${dc.name} changed nothing since, else with a baseline of ${dr.name} replacing ${dc.name}'s data`,
      { site: dc.name },
      { op: 'backup.cycle', from: dr.name, to: dc.name },
      { timeoutMs: settings.backupTimeoutMs, retries: 1, retryDelayMs: 2000, idempotent: true },
    ),
    ...appSteps(dr, settings, 'stop', 'quiesce-dr'),
    ...healthStep('dr-app-down', 'wait-until', dr, 'down', settings),
    step('final-cycle', 'action', `Ship DR's last changes to ${dc.name} with DR's application stopped`, { site: dc.name }, { op: 'backup.cycle', from: dr.name, to: dc.name }, {
      timeoutMs: settings.backupTimeoutMs,
      idempotent: false,
    }),
    ...dc.replicaSets.map((rs) => writeProbeStep(`dc-write-${rs.name}`, 'postcheck', dc, rs, settings)),
    ...appSteps(dc, settings, 'start', 'start-dc-app'),
    ...healthStep('dc-app-health', 'wait-until', dc, 'up', settings),
    trafficStep('switch-traffic-back', dr, dc, settings),
    ...healthStep('dr-standby', 'postcheck', dr, 'down', settings),
    step('resume-backups', 'action', `Resume ${dc.name} → ${dr.name} backups from where both sites hold the same data (no baseline over ${dr.name})`, { site: dr.name }, { op: 'backup.resumeRoute', from: dc.name, to: dr.name }, {
      timeoutMs: settings.backupTimeoutMs,
      retries: 1,
      retryDelayMs: 2000,
      idempotent: true,
    }),
  );
  return {
    schema: 'drdesk.plan/1',
    runbook: 'failback',
    title: `Failback: ${dr.name} → ${dc.name}`,
    topology: topology.name,
    params: { from: dr.name, to: dc.name, trafficHook: settings.trafficHook ? settings.trafficHook.kind : null },
    warnings: settings.trafficHook ? [] : ['No traffic hook is configured: a person confirms the traffic switch by hand.'],
    steps: numberSteps(drafts),
  };
}

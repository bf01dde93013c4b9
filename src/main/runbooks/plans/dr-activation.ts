import type { Topology } from '../../../shared/topology';
import type { Plan } from '../runbook';
import { numberSteps, step } from '../runbook';
import type { RunbookSettings } from '../settings';
import { appSteps, dataMembers, healthStep, siteByRole, siteDataMembers, trafficStep, writeProbeStep } from './common';

/**
 * DR activation (seed 000 §Recovery procedures, made a journaled runbook): verify the latest slice, fence
 * or confirm the DC down, apply the slice, make DR serve writes, start the application, check its health,
 * switch traffic, postchecks. The split-brain guard stands between fencing and anything that promotes DR.
 */
export function buildDrActivationPlan(topology: Topology, settings: RunbookSettings): Plan {
  const dc = siteByRole(topology, 'dc');
  const dr = siteByRole(topology, 'dr');
  const dcMembers = siteDataMembers(dc);
  const warnings: string[] = [];
  if (dr.ssh.every((h) => h.services.length === 0) && !settings.sandboxApps)
    warnings.push(`No application services are configured on ${dr.name}'s SSH hosts: the plan starts none.`);
  if (dr.appHealthUrls.length === 0) warnings.push(`${dr.name} has no application health URLs: the plan cannot check the application.`);
  if (!settings.trafficHook) warnings.push('No traffic hook is configured: a person confirms the traffic switch by hand.');

  const drafts = [
    step('verify-slice', 'precheck', `The latest backup slice on ${dr.name} is verified (checksum and chain)`, { site: dr.name }, { op: 'backup.verifyLatest', from: dc.name, to: dr.name }, {
      timeoutMs: settings.backupTimeoutMs,
      retries: 1,
      retryDelayMs: 2000,
      idempotent: true,
    }),
  ];
  if (settings.dcFencing === 'fence') {
    drafts.push(
      step(
        'fence-dc',
        'action',
        `Fence ${dc.name}: freeze its secondaries and step down a reachable primary for ${settings.fenceSeconds} s`,
        { site: dc.name },
        { op: 'mongo.fence', site: dc.name, members: dcMembers, seconds: settings.fenceSeconds },
        {
          timeoutMs: 30_000,
          retries: 1,
          retryDelayMs: 1000,
          idempotent: true,
          compensation: { title: `Lift the fence on ${dc.name} (replSetFreeze 0)`, operation: { op: 'mongo.unfence', site: dc.name, members: dcMembers }, timeoutMs: 30_000 },
        },
      ),
    );
  }
  drafts.push(
    step('split-brain-guard', 'precheck', `No ${dc.name} member answers as a writable primary (split-brain guard)`, { site: dc.name }, { op: 'guard.siteNotWritable', site: dc.name, members: dcMembers }, {
      timeoutMs: 15_000,
      idempotent: true,
    }),
    step('apply-slice', 'action', `Apply the latest verified slice from ${dc.name} on ${dr.name}`, { site: dr.name }, { op: 'backup.applyLatest', from: dc.name, to: dr.name }, {
      timeoutMs: settings.backupTimeoutMs,
      idempotent: false,
    }),
  );
  for (const rs of dr.replicaSets) {
    const members = dataMembers(rs);
    const preferred = rs.members.find((m) => m.role === 'primary')?.name ?? members[0].name;
    drafts.push(
      step(`promote-${rs.name}`, 'action', `Make ${rs.name} on ${dr.name} serve writes (primary ${preferred})`, { site: dr.name, replicaSet: rs.name, member: preferred }, { op: 'mongo.promote', replicaSet: rs.name, members, preferred }, {
        timeoutMs: settings.electionTimeoutMs,
        retries: 1,
        retryDelayMs: 1000,
        idempotent: true,
      }),
      writeProbeStep(`write-probe-${rs.name}`, 'postcheck', dr, rs, settings),
    );
  }
  drafts.push(...appSteps(dr, settings, 'start', 'start-app'), ...healthStep('app-health', 'wait-until', dr, 'up', settings), trafficStep('switch-traffic', dc, dr, settings));
  drafts.push(...healthStep('final-health', 'postcheck', dr, 'up', settings));
  drafts.push(step('final-guard', 'postcheck', `${dc.name} still takes no writes`, { site: dc.name }, { op: 'guard.siteNotWritable', site: dc.name, members: dcMembers }, { timeoutMs: 15_000, idempotent: true }));
  return {
    schema: 'drdesk.plan/1',
    runbook: 'dr-activation',
    title: `DR activation: ${dc.name} → ${dr.name}`,
    topology: topology.name,
    params: { from: dc.name, to: dr.name, dcFencing: settings.dcFencing, fenceSeconds: settings.fenceSeconds, trafficHook: settings.trafficHook ? settings.trafficHook.kind : null },
    warnings,
    steps: numberSteps(drafts),
  };
}

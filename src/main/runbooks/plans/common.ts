import { DeskError } from '../../../shared/errors';
import type { ReplicaSetConfig, SiteConfig, Topology } from '../../../shared/topology';
import type { MemberAddress, Operation, Step, SshTarget, TrafficHook } from '../runbook';
import { step } from '../runbook';
import type { RunbookSettings } from '../settings';
import { substitute } from '../settings';

export function siteByRole(topology: Topology, role: 'dc' | 'dr'): SiteConfig {
  const site = topology.sites.find((s) => s.role === role);
  if (!site) throw new DeskError('PLAN_NO_SITE', `The topology has no site with role "${role}": add one to the topology file to build this runbook.`);
  return site;
}

export function siteByName(topology: Topology, name: string): SiteConfig {
  const site = topology.sites.find((s) => s.name === name);
  if (!site) throw new DeskError('PLAN_NO_SITE', `The topology has no site "${name}": use one of ${topology.sites.map((s) => s.name).join(', ')}.`);
  return site;
}

/** Data-bearing members (arbiters can neither be stepped down, frozen nor written to). */
export function dataMembers(rs: ReplicaSetConfig): MemberAddress[] {
  return rs.members.filter((m) => m.role !== 'arbiter').map((m) => ({ name: m.name, address: `${m.host}:${m.port}` }));
}

export function siteDataMembers(site: SiteConfig): MemberAddress[] {
  return site.replicaSets.flatMap(dataMembers);
}

export function sshTargets(site: SiteConfig): Array<{ target: SshTarget; services: string[] }> {
  return site.ssh.map((h) => ({ target: { host: h.name, address: h.host, port: h.port, username: h.username }, services: h.services }));
}

type StepDraft = Omit<Step, 'n'>;

/** Start (or stop) the application on a site: systemd units over SSH, or the sandbox's simulated app. */
export function appSteps(site: SiteConfig, settings: RunbookSettings, action: 'start' | 'stop', idPrefix: string): StepDraft[] {
  const steps: StepDraft[] = [];
  const argvFor = (a: 'start' | 'stop', service: string) => substitute(a === 'start' ? settings.serviceStartArgv : settings.serviceStopArgv, { service });
  const other = action === 'start' ? 'stop' : 'start';
  for (const { target, services } of sshTargets(site)) {
    for (const service of services) {
      const op: Operation = { op: 'ssh.exec', target, argv: argvFor(action, service) };
      const undo: Operation = { op: 'ssh.exec', target, argv: argvFor(other, service) };
      steps.push(
        step(`${idPrefix}-${steps.length + 1}`, 'action', `${action === 'start' ? 'Start' : 'Stop'} ${service} on ${target.host}`, { site: site.name, host: target.host }, op, {
          timeoutMs: settings.sshTimeoutMs,
          retries: 2,
          retryDelayMs: 1000,
          idempotent: true,
          compensation: { title: `${other === 'start' ? 'Start' : 'Stop'} ${service} on ${target.host}`, operation: undo, timeoutMs: settings.sshTimeoutMs },
        }),
      );
    }
  }
  if (settings.sandboxApps) {
    const fault = (running: boolean): Operation => ({ op: 'sandbox.fault', fault: { action: 'app', target: site.name, ms: null, seconds: null, from: null, running } });
    steps.push(
      step(`${idPrefix}-sandbox`, 'action', `${action === 'start' ? 'Start' : 'Stop'} the application on ${site.name} (sandbox)`, { site: site.name }, fault(action === 'start'), {
        timeoutMs: 10_000,
        retries: 1,
        retryDelayMs: 500,
        idempotent: true,
        compensation: { title: `${action === 'start' ? 'Stop' : 'Start'} the application on ${site.name} (sandbox)`, operation: fault(action !== 'start'), timeoutMs: 10_000 },
      }),
    );
  }
  return steps;
}

export function healthStep(id: string, kind: 'wait-until' | 'postcheck', site: SiteConfig, expect: 'up' | 'down', settings: RunbookSettings): StepDraft[] {
  if (site.appHealthUrls.length === 0) return [];
  const title = expect === 'up' ? `Application on ${site.name} answers its health checks` : `Application on ${site.name} no longer answers`;
  return [
    step(id, kind, title, { site: site.name }, { op: 'http.health', urls: site.appHealthUrls, expect, expectStatus: 200, pollMs: 250 }, { timeoutMs: settings.healthTimeoutMs, idempotent: true }),
  ];
}

export function resolveHook(hook: TrafficHook, siteName: string): TrafficHook {
  if (hook.kind === 'command') return { kind: 'command', argv: substitute(hook.argv, { site: siteName }) };
  const [url, body] = substitute([hook.url, hook.body ?? ''], { site: siteName });
  return { kind: 'http', method: hook.method, url, body: hook.body === null ? null : body, expectStatus: hook.expectStatus };
}

/** Switch traffic with the configured hook, or ask a person to do it when none is configured. */
export function trafficStep(id: string, from: SiteConfig, to: SiteConfig, settings: RunbookSettings): StepDraft {
  const target = { site: to.name };
  if (!settings.trafficHook) {
    const prompt = `Redirect application traffic (DNS / load balancer) from ${from.name} to ${to.name}, then confirm.`;
    return step(id, 'manual-confirmation', `Traffic switched to ${to.name} by hand`, target, { op: 'manual.confirm', prompt }, { timeoutMs: 3_600_000, idempotent: true });
  }
  return step(id, 'action', `Switch traffic to ${to.name}`, target, { op: 'traffic.switch', toSite: to.name, hook: resolveHook(settings.trafficHook, to.name) }, {
    timeoutMs: 60_000,
    retries: 1,
    retryDelayMs: 2000,
    idempotent: false,
    compensation: { title: `Switch traffic back to ${from.name}`, operation: { op: 'traffic.switch', toSite: from.name, hook: resolveHook(settings.trafficHook, from.name) }, timeoutMs: 60_000 },
  });
}

export function writeProbeStep(id: string, kind: 'precheck' | 'postcheck', site: SiteConfig, rs: ReplicaSetConfig, settings: RunbookSettings): StepDraft {
  return step(
    id,
    kind,
    `A write to ${rs.name} on ${site.name} is acknowledged by a majority`,
    { site: site.name, replicaSet: rs.name },
    { op: 'mongo.writeProbe', replicaSet: rs.name, members: dataMembers(rs), database: 'drdesk', collection: 'probes' },
    { timeoutMs: Math.min(settings.electionTimeoutMs, 30_000), retries: 3, retryDelayMs: 1000, idempotent: true },
  );
}

import type { ReportCheck } from '../../shared/api/drill-report';
import type { Topology } from '../../shared/topology';
import { sleep } from '../connectors/deadline';
import { hello, type MongoAccess } from '../runbooks/steps/mongo-access';
import type { Sandbox } from '../sandbox/types';

export interface AppBaseline {
  /** Site name → whether its application answered its health URLs when the drill started. */
  apps: Record<string, boolean>;
}

async function appUp(urls: string[]): Promise<boolean> {
  if (urls.length === 0) return true;
  const codes = await Promise.all(urls.map((u) => fetch(u, { signal: AbortSignal.timeout(2000) }).then((r) => (r.body?.cancel(), r.status)).catch(() => null)));
  return codes.every((c) => c !== null && c >= 200 && c < 300);
}

export async function appBaseline(topology: Topology): Promise<AppBaseline> {
  const apps: Record<string, boolean> = {};
  for (const s of topology.sites) apps[s.name] = await appUp(s.appHealthUrls);
  return { apps };
}

/**
 * Puts the sandbox back as the drill found it — faults healed, members revived and unfrozen, applications
 * as they were — and then checks that it really is so. A check that does not hold within the deadline is
 * reported failed: a drill whose cleanup did not happen never reports a clean cleanup.
 */
export async function cleanupAndVerify(sandbox: Sandbox, mongo: MongoAccess, topology: Topology, baseline: AppBaseline, deadlineMs = 30_000): Promise<{ ok: boolean; checks: ReportCheck[] }> {
  const actions: string[] = [];
  const errors: string[] = [];
  const act = async (label: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      actions.push(label);
    } catch (err) {
      errors.push(`${label}: ${(err as Error).message}`);
    }
  };
  for (const site of topology.sites) await act(`heal ${site.name}`, () => sandbox.fault({ action: 'heal', target: site.name }));
  for (const m of sandbox.state().members.filter((x) => x.lagMs !== null && x.lagMs > 0 && x.alive)) await act(`no lag on ${m.name}`, () => sandbox.fault({ action: 'lag', target: m.name, ms: 0 }));
  for (const site of topology.sites) await act(`no slowness on ${site.name}`, () => sandbox.fault({ action: 'slow', target: site.name, ms: 0 }));
  for (const m of sandbox.state().members.filter((x) => !x.alive)) await act(`revive ${m.name}`, () => sandbox.fault({ action: 'revive', target: m.name }));
  for (const site of topology.sites) await act(`application on ${site.name} ${baseline.apps[site.name] ? 'running' : 'stopped'}`, () => sandbox.fault({ action: 'app', target: site.name, running: baseline.apps[site.name] }));
  const dataMembers = topology.sites.flatMap((s) => s.replicaSets.flatMap((rs) => rs.members.filter((m) => m.role !== 'arbiter').map((m) => ({ site: s.name, rs: rs.name, name: m.name, address: `${m.host}:${m.port}` }))));
  for (const m of dataMembers) {
    const h = await hello(mongo, m.address, 2000);
    if (h.reachable && !h.writablePrimary) await act(`unfreeze ${m.name}`, () => mongo.command(m.address, { replSetFreeze: 0 }, { timeoutMs: 3000 }));
  }

  const until = Date.now() + deadlineMs;
  let checks: ReportCheck[] = [];
  for (;;) {
    checks = await verify(sandbox, mongo, topology, baseline, dataMembers);
    if (checks.every((c) => c.ok) || Date.now() > until) break;
    await sleep(500);
  }
  checks.unshift({ name: 'Cleanup actions', ok: errors.length === 0, detail: errors.length ? errors.join('; ') : actions.join(', ') });
  return { ok: checks.every((c) => c.ok), checks };
}

async function verify(sandbox: Sandbox, mongo: MongoAccess, topology: Topology, baseline: AppBaseline, dataMembers: Array<{ site: string; rs: string; name: string; address: string }>): Promise<ReportCheck[]> {
  const checks: ReportCheck[] = [];
  const state = sandbox.state();
  const down = state.members.filter((m) => !m.alive);
  checks.push({ name: 'Every member alive', ok: down.length === 0, detail: down.length ? `still down: ${down.map((m) => m.name).join(', ')}` : state.members.map((m) => `${m.name} ${m.stateStr}`).join(', ') });
  const lagging = state.members.filter((m) => m.lagMs !== null && m.lagMs > 5000);
  checks.push({ name: 'No injected lag left', ok: lagging.length === 0, detail: lagging.length ? lagging.map((m) => `${m.name} ${Math.round((m.lagMs ?? 0) / 1000)} s behind`).join(', ') : 'every secondary within 5 s' });
  for (const site of topology.sites)
    for (const rs of site.replicaSets) {
      const members = dataMembers.filter((m) => m.rs === rs.name);
      const states = await Promise.all(members.map(async (m) => ({ m, h: await hello(mongo, m.address, 2000) })));
      const primaries = states.filter((s) => s.h.writablePrimary);
      const unreachable = states.filter((s) => !s.h.reachable);
      checks.push({
        name: `${rs.name} on ${site.name} has one writable primary`,
        ok: primaries.length === 1 && unreachable.length === 0,
        detail: states.map((s) => `${s.m.name} ${s.h.writablePrimary ? 'PRIMARY' : s.h.reachable ? 'SECONDARY' : 'unreachable'}`).join(', '),
      });
      const frozen: string[] = [];
      for (const s of states.filter((x) => x.h.reachable && !x.h.writablePrimary)) {
        const st = await mongo.command(s.m.address, { replSetGetStatus: 1 }, { timeoutMs: 3000 }).catch(() => null);
        const self = (st?.members as Array<{ self?: boolean; infoMessage?: string }> | undefined)?.find((x) => x.self);
        if (self?.infoMessage && /frozen|freeze/i.test(self.infoMessage)) frozen.push(s.m.name);
      }
      if (frozen.length) checks.push({ name: `${rs.name}: no member left frozen`, ok: false, detail: frozen.join(', ') });
    }
  for (const site of topology.sites) {
    const up = await appUp(site.appHealthUrls);
    const want = baseline.apps[site.name];
    checks.push({ name: `Application on ${site.name} ${want ? 'running' : 'stopped'} as before`, ok: up === want, detail: `health URLs ${up ? 'answer' : 'do not answer'}` });
  }
  return checks;
}

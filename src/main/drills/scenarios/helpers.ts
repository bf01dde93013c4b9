import type { ExecutionView } from '../../../shared/api/runbooks';
import type { SiteConfig, Topology } from '../../../shared/topology';
import { sleep } from '../../connectors/deadline';
import { hello, type MongoAccess } from '../../runbooks/steps/mongo-access';
import type { MemberAddress } from '../../runbooks/runbook';
import type { Scenario, ScenarioContext } from '../types';

/** A drill that activates DR: it needs the backup pipeline and the approvals, and acts on the DR site. */
export const ON_DR_WITH_BACKUP: Pick<Scenario, 'needs' | 'targetSite'> = { needs: ['backup', 'approvals'], targetSite: (t) => site(t, 'dr').name };

export function site(topology: Topology, role: 'dc' | 'dr'): SiteConfig {
  const s = topology.sites.find((x) => x.role === role);
  if (!s) throw new Error(`the sandbox topology has no ${role} site`);
  return s;
}

export function dataMembers(s: SiteConfig): MemberAddress[] {
  return s.replicaSets.flatMap((rs) => rs.members.filter((m) => m.role !== 'arbiter').map((m) => ({ name: m.name, address: `${m.host}:${m.port}` })));
}

export async function currentPrimary(mongo: MongoAccess, members: MemberAddress[]): Promise<MemberAddress | null> {
  const states = await Promise.all(members.map(async (m) => ({ m, h: await hello(mongo, m.address, 2000) })));
  return states.find((s) => s.h.writablePrimary)?.m ?? null;
}

/** Polls until a member (other than `not`) is the writable primary; returns when, or null at the deadline. */
export async function waitPrimary(mongo: MongoAccess, members: MemberAddress[], not: string | null, timeoutMs: number): Promise<{ member: MemberAddress; at: number } | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const p = await currentPrimary(mongo, members);
    if (p && p.name !== not) return { member: p, at: Date.now() };
    await sleep(100);
  }
  return null;
}

export async function appHealthy(urls: string[]): Promise<boolean> {
  if (urls.length === 0) return false;
  const codes = await Promise.all(urls.map((u) => fetch(u, { signal: AbortSignal.timeout(2000) }).then((r) => (r.body?.cancel(), r.status)).catch(() => null)));
  return codes.every((c) => c === 200);
}

export async function waitAppHealthy(urls: string[], timeoutMs: number): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await appHealthy(urls)) return Date.now();
    await sleep(100);
  }
  return null;
}

export function stepFinishedAt(e: ExecutionView | null, id: string): number | null {
  const s = e?.steps.find((x) => x.id === id);
  return s?.status === 'succeeded' && s.finishedAt ? Date.parse(s.finishedAt) : null;
}

/** Expects the execution to have succeeded, naming its status and error in the report when it did not. */
export function expectSucceeded(ctx: ScenarioContext, label: string, e: ExecutionView): void {
  ctx.expect(label, e.status === 'succeeded', `execution ${e.id}: ${e.status}${e.error ? ` — ${e.error.message}` : ''}`);
}

/** Where a DR activation's RTO ends: the switch-traffic step finished (null when it never did). */
export function trafficSwitched(e: ExecutionView | null): { at: number | null; label: string } {
  return { at: stepFinishedAt(e, 'switch-traffic'), label: 'the application healthy on DR and traffic switched' };
}

export function stepRan(e: ExecutionView | null, id: string): boolean {
  return Boolean(e?.steps.find((x) => x.id === id)?.attempts.length);
}

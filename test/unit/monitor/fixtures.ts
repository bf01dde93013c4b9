import type { MemberView, Overview, ReplicaSetView, SiteView } from '../../../src/shared/monitor';
import type { Status } from '../../../src/shared/status';
import { thresholdsSchema } from '../../../src/shared/topology';
import type { RuleContext } from '../../../src/main/monitor/rules';

export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const PENDING: Status = { level: 'unknown', reasons: [] };
export const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();

export function member(name: string, over: Partial<MemberView> = {}): MemberView {
  const role = over.expectedRole ?? (name.endsWith('3') ? 'arbiter' : name.endsWith('1') ? 'primary' : 'secondary');
  const stateStr = role === 'arbiter' ? 'ARBITER' : role === 'primary' ? 'PRIMARY' : 'SECONDARY';
  return {
    name,
    host: `127.0.0.1:${27000 + Number(name.slice(-1))}`,
    expectedRole: role,
    reachable: true,
    stateStr,
    state: { PRIMARY: 1, SECONDARY: 2, ARBITER: 7 }[stateStr] ?? null,
    health: 1,
    lagSeconds: role === 'arbiter' ? null : 0,
    optimeDate: role === 'arbiter' ? null : iso(0),
    oplogWindowHours: role === 'arbiter' ? null : 48,
    version: '7.0.12',
    lastSeen: iso(0),
    lastKnownStateStr: stateStr,
    unreachableSince: null,
    lastError: null,
    pingMs: 1,
    syncSource: null,
    electionDate: null,
    status: PENDING,
    ...over,
  };
}

export function replicaSet(name: string, members: MemberView[]): ReplicaSetView {
  return { name, primary: members.find((m) => m.stateStr === 'PRIMARY')?.name ?? null, term: 1, electionDate: null, members, status: PENDING };
}

export function site(name: string, role: 'dc' | 'dr', rs: ReplicaSetView, over: Partial<SiteView> = {}): SiteView {
  const all = rs.members;
  return { name, role, replicaSets: [rs], app: [], reachable: all.some((m) => m.reachable), lastSeen: iso(0), unreachableSince: null, status: PENDING, ...over };
}

export const prefix = (s: string): string => s.toLowerCase();

/** The default topology: DC (dc-1 P, dc-2 S, dc-3 A) and DR (dr-1 P, dr-2 S, dr-3 A), all healthy. */
export function healthy(edit: (dc: MemberView[], dr: MemberView[]) => void = () => undefined, siteOver: { dc?: Partial<SiteView>; dr?: Partial<SiteView> } = {}): Overview {
  const dc = ['dc-1', 'dc-2', 'dc-3'].map((n) => member(n));
  const dr = ['dr-1', 'dr-2', 'dr-3'].map((n) => member(n));
  edit(dc, dr);
  return {
    topologyName: 'test',
    sandbox: false,
    polledAt: iso(0),
    pollIntervalMs: 5000,
    sites: [site('DC', 'dc', replicaSet('rs-dc', dc), siteOver.dc), site('DR', 'dr', replicaSet('rs-dr', dr), siteOver.dr)],
    status: PENDING,
    stale: false,
  };
}

export function ctx(over: Partial<RuleContext> = {}): RuleContext {
  return { thresholds: thresholdsSchema.parse({}), now: NOW, elections: new Map(), ...over };
}

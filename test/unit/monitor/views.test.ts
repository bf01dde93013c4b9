import { describe, expect, it } from 'vitest';
import { topologySchema, type Topology } from '../../../src/shared/topology';
import { MonitorMemory } from '../../../src/main/monitor/memory';
import type { CycleObservation, MemberObservation, RsMemberRow } from '../../../src/main/connectors/probe-types';
import { evaluate } from '../../../src/main/monitor/rules';
import { buildDraft } from '../../../src/main/monitor/views';

const topology: Topology = topologySchema.parse({
  sites: ['DC', 'DR'].map((s, si) => ({
    name: s,
    role: si === 0 ? 'dc' : 'dr',
    replicaSets: [{ name: `rs-${s.toLowerCase()}`, members: [1, 2, 3].map((i) => ({ name: `${s.toLowerCase()}-${i}`, host: '127.0.0.1', port: 27000 + si * 10 + i, role: i === 1 ? 'primary' : i === 2 ? 'secondary' : 'arbiter' })) }],
  })),
});

type Spec = Record<string, { up: boolean; state?: 'PRIMARY' | 'SECONDARY' | 'ARBITER'; optimeAgoMs?: number }>;

/** Observations as the probes would report them at time `at`, each reachable member seeing the others as given. */
function cycle(at: number, spec: Spec, terms: Record<string, number> = {}): CycleObservation {
  const members: MemberObservation[] = [];
  for (const site of topology.sites)
    for (const rs of site.replicaSets) {
      const rows: RsMemberRow[] = rs.members.map((m) => {
        const s = spec[m.name];
        const state = s.up ? (s.state ?? (m.role === 'primary' ? 'PRIMARY' : m.role === 'arbiter' ? 'ARBITER' : 'SECONDARY')) : null;
        return {
          name: `${m.host}:${m.port}`,
          self: false,
          health: s.up ? 1 : 0,
          state: state === 'PRIMARY' ? 1 : state === 'SECONDARY' ? 2 : state === 'ARBITER' ? 7 : 8,
          stateStr: state ?? '(not reachable/healthy)',
          optimeDateMs: state === 'ARBITER' ? null : at - (s.optimeAgoMs ?? 0),
          electionDateMs: null,
          syncSourceHost: null,
          pingMs: 1,
        };
      });
      for (const m of rs.members) {
        const s = spec[m.name];
        const address = `${m.host}:${m.port}`;
        const base = { site: site.name, replicaSet: rs.name, member: m.name, address, expectedRole: m.role, at, durationMs: 2 };
        if (!s.up) {
          members.push({ ...base, reachable: false, error: { code: 'UNREACHABLE', message: `${address} did not answer within 1000 ms` }, hello: null, pingMs: null, status: null, oplog: null, version: null });
          continue;
        }
        const own = rows.map((r) => ({ ...r, self: r.name === address }));
        const me = own.find((r) => r.self)!;
        members.push({
          ...base,
          reachable: true,
          error: null,
          hello: { processId: null, isWritablePrimary: me.state === 1, secondary: me.state === 2, arbiterOnly: me.state === 7, setName: rs.name, primary: null, me: address },
          pingMs: 1,
          status: { set: rs.name, myState: me.state, term: terms[rs.name] ?? 1, dateMs: at, members: own },
          oplog: m.role === 'arbiter' ? null : { firstMs: at - 3_600_000, lastMs: at, spanHours: 1, usedBytes: 10, maxBytes: 1000, full: false, windowHours: 100 },
          version: '7.0.12',
        });
      }
    }
  return { startedAt: at - 5, finishedAt: at, members, apps: [] };
}

const allUp = (): Spec => Object.fromEntries(topology.sites.flatMap((s) => s.replicaSets[0].members.map((m) => [m.name, { up: true }])));
const overview = (mem: MonitorMemory, now: number) => {
  const elections = new Map([...mem.replicaSets].map(([k, v]) => [k, v.lastElection]));
  return evaluate(buildDraft(topology, mem, { sandbox: false, pollIntervalMs: 5000, now }), { thresholds: topology.thresholds, now, elections });
};

describe('views from observations', () => {
  it('healthy: roles, lag from the primary, oplog window, green', () => {
    const mem = new MonitorMemory();
    const spec = allUp();
    spec['dc-2'] = { up: true, optimeAgoMs: 2500 };
    mem.record(cycle(1_000_000, spec));
    const o = overview(mem, 1_000_000);
    const dc = o.sites[0].replicaSets[0];
    expect(dc.primary).toBe('dc-1');
    expect(dc.members.map((m) => [m.name, m.stateStr, m.lagSeconds])).toEqual([
      ['dc-1', 'PRIMARY', 0],
      ['dc-2', 'SECONDARY', 2.5],
      ['dc-3', 'ARBITER', null],
    ]);
    expect(dc.members[0].oplogWindowHours).toBe(100);
    expect(o.status.level).toBe('green');
    expect(o.stale).toBe(false);
  });

  it('every DC member dead: DC unreachable since T with its last known state; DR keeps updating', () => {
    const mem = new MonitorMemory();
    const t0 = 1_000_000;
    mem.record(cycle(t0, allUp()));
    const down = allUp();
    for (const n of ['dc-1', 'dc-2', 'dc-3']) down[n] = { up: false };
    mem.record(cycle(t0 + 5000, down));
    mem.record(cycle(t0 + 10_000, down));
    mem.record(cycle(t0 + 15_000, down));
    const o = overview(mem, t0 + 15_000);
    const [dc, dr] = o.sites;
    expect(dc.reachable).toBe(false);
    expect(dc.unreachableSince).toBe(new Date(t0 + 5000).toISOString());
    expect(dc.lastSeen).toBe(new Date(t0).toISOString());
    expect(dc.replicaSets[0].members.map((m) => [m.stateStr, m.reachable, m.lastSeen])).toEqual([
      ['PRIMARY', false, new Date(t0).toISOString()],
      ['SECONDARY', false, new Date(t0).toISOString()],
      ['ARBITER', false, new Date(t0).toISOString()],
    ]);
    expect(dc.status.reasons[0]).toMatchObject({ code: 'SITE_UNREACHABLE', level: 'red' });
    expect(dc.status.reasons[0].message).toContain('last known state from');
    expect(dr.reachable).toBe(true);
    expect(dr.lastSeen).toBe(new Date(t0 + 15_000).toISOString());
    expect(dr.status.level).toBe('green');
    expect(o.stale).toBe(true);
  });

  it('the primary dies and dc-2 takes over: the dead member seen through the new primary, then an election', () => {
    const mem = new MonitorMemory();
    mem.record(cycle(1_000_000, allUp()));
    const after = allUp();
    after['dc-1'] = { up: false };
    after['dc-2'] = { up: true, state: 'PRIMARY' };
    mem.record(cycle(1_005_000, after, { 'rs-dc': 2 }));
    const o = overview(mem, 1_005_000);
    const rs = o.sites[0].replicaSets[0];
    expect(rs.primary).toBe('dc-2');
    expect(rs.term).toBe(2);
    expect(rs.members[0]).toMatchObject({ reachable: false, health: 0, stateStr: '(not reachable/healthy)', lastKnownStateStr: 'PRIMARY', lagSeconds: null });
    expect(o.status.reasons.map((r) => `${r.level}:${r.code}`)).toEqual(['yellow:RECENT_ELECTION', 'red:MEMBER_DOWN']);
    expect(mem.replicaSets.get('DC/rs-dc')!.lastElection).toMatchObject({ from: 'dc-1', to: 'dc-2', term: 2 });
  });

  it('the primary dies and the peers still see it PRIMARY (their heartbeats have not timed out): NO_PRIMARY at once, the dead member never named primary', () => {
    const mem = new MonitorMemory();
    mem.record(cycle(1_000_000, allUp()));
    // The same cycle as everything up, except that dc-1 itself no longer answers: dc-2's replSetGetStatus
    // still reports dc-1 as PRIMARY with health 1.
    const c = cycle(1_005_000, allUp());
    c.members = c.members.map((o) => (o.member === 'dc-1' ? { ...o, reachable: false, error: { code: 'UNREACHABLE', message: 'connection refused' }, hello: null, status: null, oplog: null, version: null, pingMs: null } : o));
    mem.record(c);
    const o = overview(mem, 1_005_000);
    const rs = o.sites[0].replicaSets[0];
    expect(rs.primary).toBeNull();
    const reasons = o.status.reasons.map((r) => `${r.level}:${r.code}:${r.subject}`);
    expect(reasons).toContain('red:NO_PRIMARY:DC/rs-dc');
    expect(reasons).toContain('red:MEMBER_DOWN:DC/rs-dc/dc-1');
    expect(o.status.reasons.some((r) => r.message.includes('sees it as PRIMARY'))).toBe(false);
    // No election is recorded from the stale view either.
    expect(mem.replicaSets.get('DC/rs-dc')!.primary).toBeNull();
  });
});

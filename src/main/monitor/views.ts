import type { AppHealthView, MemberView, Overview, ReplicaSetView, SiteView } from '../../shared/monitor';
import type { Status } from '../../shared/status';
import type { Topology } from '../../shared/topology';
import { lagSeconds, STATE } from './lag';
import { memberKey, replicaSetKey, type MonitorMemory } from './memory';
import type { MemberObservation } from '../connectors/probe-types';

const PENDING: Status = { level: 'unknown', reasons: [] };
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export interface DraftOptions {
  sandbox: boolean;
  pollIntervalMs: number;
  now: number;
}

function ownStateStr(o: MemberObservation): { stateStr: string; state: number | null } | null {
  const self = o.status?.members.find((m) => m.self);
  if (self) return { stateStr: self.stateStr, state: self.state };
  if (!o.hello) return null;
  if (o.hello.isWritablePrimary) return { stateStr: 'PRIMARY', state: STATE.PRIMARY };
  if (o.hello.arbiterOnly) return { stateStr: 'ARBITER', state: STATE.ARBITER };
  if (o.hello.secondary) return { stateStr: 'SECONDARY', state: STATE.SECONDARY };
  return { stateStr: 'UNKNOWN', state: null };
}

/**
 * Builds the views of every site, replica set and member from what the monitor remembers, with statuses
 * left for the rules. A member that is unreachable now keeps its last known values, and lastSeen says how
 * old they are; the primary's view supplies state, health and lag for members we cannot reach ourselves.
 */
export function buildDraft(topology: Topology, memory: MonitorMemory, opts: DraftOptions): Overview {
  const cycle = memory.lastCycle;
  const sites: SiteView[] = topology.sites.map((site) => {
    const replicaSets: ReplicaSetView[] = site.replicaSets.map((rs) => {
      const rsMem = memory.replicaSets.get(replicaSetKey({ site: site.name, replicaSet: rs.name }));
      const liveView = rsMem?.view && memory.viewIsLive(site.name, rs.name) ? rsMem.view.status : null;
      const members: MemberView[] = rs.members.map((m) => {
        const ref = { site: site.name, replicaSet: rs.name, member: m.name, address: `${m.host}:${m.port}` };
        const mem = memory.members.get(memberKey(ref));
        const now = mem?.last;
        const ok = mem?.lastOk ?? null;
        const rsName = memory.rsName(ref);
        const reachable = now?.reachable ?? false;
        // A peer's view of a member we cannot reach as PRIMARY is the stale picture of a primary that just
        // died (or is cut off from this machine): it is never shown as the primary.
        const peerRow = liveView?.members.find((r) => r.name === rsName) ?? null;
        const row = !reachable && peerRow?.stateStr === 'PRIMARY' ? null : peerRow;
        const own = reachable && now ? ownStateStr(now) : null;
        const selfRow = ok?.status?.members.find((r) => r.self) ?? null;
        const stateStr = own?.stateStr ?? row?.stateStr ?? mem?.lastKnownStateStr ?? 'UNKNOWN';
        const state = own ? own.state : (row?.state ?? mem?.lastKnownState ?? null);
        const live = reachable || row !== null;
        return {
          name: m.name,
          host: ref.address,
          expectedRole: m.role,
          reachable,
          stateStr,
          state,
          health: row?.health ?? (reachable ? 1 : null),
          lagSeconds: liveView ? lagSeconds(liveView, rsName) : live ? null : lastKnownLag(memory, ref, rsName),
          optimeDate: iso(row?.optimeDateMs ?? selfRow?.optimeDateMs),
          oplogWindowHours: ok?.oplog?.windowHours ?? null,
          version: ok?.version ?? null,
          lastSeen: iso(ok?.at),
          lastKnownStateStr: mem?.lastKnownStateStr ?? null,
          unreachableSince: iso(mem?.unreachableSince),
          lastError: now?.error?.message ?? null,
          pingMs: reachable ? (now?.pingMs ?? null) : null,
          syncSource: (reachable ? selfRow?.syncSourceHost : row?.syncSourceHost) ?? null,
          electionDate: iso((reachable ? selfRow?.electionDateMs : row?.electionDateMs) ?? null),
          status: PENDING,
        };
      });
      // Only a member that itself answers as PRIMARY is the primary; no such member is NO_PRIMARY at once.
      const primary = members.find((m) => m.stateStr === 'PRIMARY' && m.reachable) ?? null;
      return {
        name: rs.name,
        primary: primary?.name ?? null,
        term: rsMem?.term ?? null,
        electionDate: primary?.electionDate ?? null,
        members,
        status: PENDING,
      };
    });
    const all = replicaSets.flatMap((r) => r.members);
    const reachable = all.some((m) => m.reachable);
    const seen = all.map((m) => m.lastSeen).filter((s): s is string => s !== null).sort();
    const since = all.map((m) => m.unreachableSince).filter((s): s is string => s !== null).sort();
    const app: AppHealthView[] = site.appHealthUrls.map((url) => {
      const a = memory.apps.get(`${site.name} ${url}`);
      return { url, ok: a ? a.ok : null, httpStatus: a?.httpStatus ?? null, latencyMs: a?.latencyMs ?? null, checkedAt: iso(a?.at), error: a?.error ?? null };
    });
    return {
      name: site.name,
      role: site.role,
      replicaSets,
      app,
      reachable,
      lastSeen: seen.at(-1) ?? null,
      unreachableSince: reachable ? null : (since.at(-1) ?? null),
      status: PENDING,
    };
  });
  const staleBefore = opts.now - 2 * opts.pollIntervalMs;
  const stale =
    (cycle !== null && cycle.finishedAt < staleBefore) ||
    sites.some((s) => s.replicaSets.some((r) => r.members.some((m) => !m.reachable && m.lastSeen !== null && Date.parse(m.lastSeen) < staleBefore)));
  return {
    topologyName: topology.name,
    sandbox: opts.sandbox,
    polledAt: iso(cycle?.finishedAt),
    pollIntervalMs: opts.pollIntervalMs,
    sites,
    status: PENDING,
    stale,
  };
}

/** The lag the set's last primary view gave this member, shown (with its age) while nobody can be asked. */
function lastKnownLag(memory: MonitorMemory, ref: { site: string; replicaSet: string }, rsName: string): number | null {
  const view = memory.replicaSets.get(replicaSetKey(ref))?.view;
  return view ? lagSeconds(view.status, rsName) : null;
}

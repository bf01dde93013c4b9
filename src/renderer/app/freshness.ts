import type { ConnectionState } from '../desk-client/connection';
import type { OverviewSnapshot } from './overview-store';

/** Something that stopped answering: a whole site, or one member of a site that still answers. */
export interface Silent {
  name: string;
  since: string | null;
}

export type Freshness =
  | { kind: 'fresh' }
  | { kind: 'loading' }
  | { kind: 'lost'; connection: Extract<ConnectionState, { kind: 'lost' }>; polledAt: string | null }
  | { kind: 'stale'; polledAt: string | null; pollIntervalMs: number; pollLate: boolean; silentSites: Silent[]; silentMembers: Silent[] }
  | { kind: 'error'; message: string };

/**
 * Whether what the screen shows can be trusted as current: the connection is up, the engine's last poll is
 * within two poll intervals, and the engine itself does not flag stale data (an unreachable site).
 */
export function freshness(snap: OverviewSnapshot, connection: ConnectionState, now: number): Freshness {
  const o = snap.overview;
  if (connection.kind === 'lost') return { kind: 'lost', connection, polledAt: o?.polledAt ?? null };
  if (!o) return snap.error ? { kind: 'error', message: `${snap.error.code}: ${snap.error.message}` } : { kind: 'loading' };
  const age = o.polledAt ? now - Date.parse(o.polledAt) : Infinity;
  const silentSites = o.sites.filter((s) => !s.reachable).map((s) => ({ name: s.name, since: s.unreachableSince }));
  const silentMembers = o.sites
    .filter((s) => s.reachable)
    .flatMap((s) => s.replicaSets.flatMap((rs) => rs.members.filter((m) => !m.reachable).map((m) => ({ name: m.name, since: m.unreachableSince }))));
  const pollLate = age > 2 * o.pollIntervalMs;
  if (o.stale || pollLate || silentSites.length)
    return { kind: 'stale', polledAt: o.polledAt, pollIntervalMs: o.pollIntervalMs, pollLate: pollLate || (!silentSites.length && !silentMembers.length), silentSites, silentMembers };
  return { kind: 'fresh' };
}

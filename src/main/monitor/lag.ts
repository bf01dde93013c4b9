import type { ReplStatus, RsMemberRow } from '../connectors/probe-types';

export const STATE = { STARTUP: 0, PRIMARY: 1, SECONDARY: 2, RECOVERING: 3, STARTUP2: 5, UNKNOWN: 6, ARBITER: 7, DOWN: 8, ROLLBACK: 9, REMOVED: 10 } as const;

/** States in which the primary's idea of the member's optime is not a replication position at all. */
const NO_LAG_STATES = new Set<number>([STATE.ARBITER, STATE.DOWN, STATE.UNKNOWN, STATE.REMOVED]);

export function primaryRow(status: ReplStatus): RsMemberRow | null {
  return status.members.find((m) => m.state === STATE.PRIMARY && m.health !== 0) ?? null;
}

/**
 * Seconds `member` is behind the primary, from a replSetGetStatus taken on the primary (primary optimeDate −
 * member optimeDate). null where a lag makes no sense: no primary in this view, an arbiter, a member the
 * primary cannot reach, or a STARTUP/STARTUP2/RECOVERING member whose optimeDate is the epoch.
 */
export function lagSeconds(status: ReplStatus, memberName: string): number | null {
  const primary = primaryRow(status);
  const row = status.members.find((m) => m.name === memberName);
  if (!primary || !row) return null;
  if (row === primary) return 0;
  if (row.health === 0 || NO_LAG_STATES.has(row.state)) return null;
  if (primary.optimeDateMs === null || primary.optimeDateMs <= 0) return null;
  // An epoch optimeDate (typical of STARTUP/STARTUP2/RECOVERING) means "no optime yet", not "56 years behind".
  if (row.optimeDateMs === null || row.optimeDateMs <= 0) return null;
  // A secondary can be momentarily ahead of the primary's last heartbeat view of it; that is no lag.
  return Math.max(0, (primary.optimeDateMs - row.optimeDateMs) / 1000);
}

import type { Level } from '../../shared/status';
import { worst } from '../../shared/status';
import type { MemberView } from '../../shared/monitor';

const HEALTHY = new Set(['PRIMARY', 'SECONDARY', 'ARBITER']);
const TRANSITIONAL = new Set(['STARTUP', 'STARTUP2', 'RECOVERING', 'ROLLBACK']);

/** The letter drawn in a member's node: its current role, or a dash when it has none (down, unknown). */
export function roleLetter(stateStr: string): string {
  if (stateStr === 'PRIMARY') return 'P';
  if (stateStr === 'SECONDARY') return 'S';
  if (stateStr === 'ARBITER') return 'A';
  return '–';
}

/** A member's colour: its own status, made at least yellow while in transition and red when down. */
export function memberLevel(m: MemberView): Level {
  const byState: Level = !m.reachable || !HEALTHY.has(m.stateStr) ? (TRANSITIONAL.has(m.stateStr) ? 'yellow' : 'red') : 'green';
  return worst([byState, m.status.level]);
}

export function isDataBearing(m: MemberView): boolean {
  return m.expectedRole !== 'arbiter';
}

export const LEVEL_LABEL: Record<Level, string> = { green: 'Healthy', yellow: 'Warning', red: 'Critical', unknown: 'Unknown' };

/** What the member was last seen as: its own last report, or what a peer last reported for it. */
export function lastKnownState(m: MemberView): string {
  return m.lastKnownStateStr ?? m.stateStr;
}

/** Green / yellow / red with reason codes (seed 003's rules engine). */
export type Level = 'green' | 'yellow' | 'red' | 'unknown';

export const LEVEL_RANK: Record<Level, number> = { green: 0, unknown: 1, yellow: 2, red: 3 };

export function worst(levels: Iterable<Level>): Level {
  let w: Level = 'green';
  for (const l of levels) if (LEVEL_RANK[l] > LEVEL_RANK[w]) w = l;
  return w;
}

export type ReasonCode =
  | 'SPLIT_BRAIN'
  | 'NO_PRIMARY'
  | 'RECENT_ELECTION'
  | 'MEMBER_DOWN'
  | 'ARBITER_DOWN'
  | 'LAG_HIGH'
  | 'OPLOG_WINDOW_SHORT'
  | 'STALE_DATA'
  | 'SITE_UNREACHABLE'
  | 'VERSION_MISMATCH'
  | 'APP_UNHEALTHY'
  | 'BACKUP_RPO'
  | 'BACKUP_CHAIN_BROKEN'
  | 'BACKUP_FAILING';

export interface Reason {
  code: ReasonCode;
  level: Exclude<Level, 'green' | 'unknown'>;
  /** What it is about: "DC", "DC/rs-dc", "DC/rs-dc/dc-1". */
  subject: string;
  /** A sentence an operator can act on. */
  message: string;
}

export interface Status {
  level: Level;
  reasons: Reason[];
}

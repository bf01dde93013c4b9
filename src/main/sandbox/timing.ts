/**
 * Replica-set timing. The defaults are the manual's (settings.heartbeatIntervalMillis 2000,
 * electionTimeoutMillis 10000); fast mode keeps the same rules on a 10x faster clock for tests.
 */
export interface Timing {
  heartbeatMs: number;
  electionTimeoutMs: number;
  /** Candidates wait electionTimeout plus a random offset up to this fraction of it, as mongod does. */
  randomOffsetFraction: number;
  /** A priority takeover needs the candidate within this many seconds of the primary's optime. */
  priorityTakeoverFreshnessMs: number;
}

export const DEFAULT_TIMING: Timing = { heartbeatMs: 2000, electionTimeoutMs: 10_000, randomOffsetFraction: 0.15, priorityTakeoverFreshnessMs: 2000 };
export const FAST_TIMING: Timing = { heartbeatMs: 200, electionTimeoutMs: 1000, randomOffsetFraction: 0.15, priorityTakeoverFreshnessMs: 2000 };

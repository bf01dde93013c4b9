import { deserialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { readArchive } from './archive';
import type { Manifest } from './manifest';
import type { ProgressTracker } from './progress';
import { OplogReplayer } from './replay/oplog-replayer';

export const MAJORITY = { w: 'majority', wtimeout: 60_000 } as const;

/**
 * Applying on DR through the driver: increments here, through the replay (replay/oplog-replayer.ts,
 * mongorestore --oplogReplay's rules); a baseline (baseline/restore.ts) restores its collections, views and
 * indexes, then replays its oplog section the same way. Every write waits for a majority of DR, and each
 * applied batch reports its position so an interrupted apply resumes after it instead of applying twice.
 */
export interface ApplyDeps {
  progress: ProgressTracker;
  signal?: AbortSignal;
  /** Entries already applied by an interrupted earlier attempt: skip up to and including this position. */
  resumeAfterTs?: string | null;
  /** Every entry up to and including lastTs is applied on DR and acknowledged by a majority. */
  onBatchApplied?: (lastTs: string) => void | Promise<void>;
  /** Recorded in the same applyOps as each batch (DR's chain document), so a crash between them repeats nothing. */
  positionOp?: (ts: string) => Document;
  /** First entry of each batch: DR refuses the batch once a newer lease term took over. */
  fenceOp?: () => Document;
  batchEntries?: number;
  batchBytes?: number;
}

export interface ApplyOutcome {
  applied: number;
  /** DC wall time (ms) of the last entry applied, for RPO. */
  lastWall: number | null;
}

export const BSON_OPTIONS = { promoteValues: false } as const;

export function replayer(dr: MongoClient, deps: ApplyDeps, upsertUpdates: boolean, resumeAfterTs: string | null | undefined): OplogReplayer {
  return new OplogReplayer(dr, { signal: deps.signal, resumeAfterTs, onApplied: deps.onBatchApplied, positionOp: deps.positionOp, fenceOp: deps.fenceOp, upsertUpdates, maxBatchEntries: deps.batchEntries, maxBatchBytes: deps.batchBytes });
}

export async function applyIncrementArchive(dr: MongoClient, path: string, m: Manifest, deps: ApplyDeps): Promise<ApplyOutcome> {
  const applier = replayer(dr, deps, false, deps.resumeAfterTs);
  let seen = 0;
  for await (const raw of readArchive(path)) {
    await applier.add(deserialize(raw, BSON_OPTIONS));
    if (++seen % 1000 === 0) deps.progress.update({ documents: { done: seen, total: m.count } });
  }
  await applier.finish();
  deps.progress.update({ documents: { done: m.count, total: m.count } });
  return { applied: applier.applied, lastWall: applier.lastWall };
}

import { deserialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import { readArchive } from './archive';
import { NON_USER_DATABASES } from '../control/names';
import type { Manifest } from './manifest';
import type { ProgressTracker } from './progress';
import { OplogReplayer } from './replay/oplog-replayer';
import { bucketsOf } from './baseline/names';
import { checkAborted } from './scheduler';

const MAJORITY = { w: 'majority', wtimeout: 60_000 } as const;

/**
 * Applying on DR through the driver: for a baseline first the collections, views and indexes, then the
 * oplog through the replay (replay/oplog-replayer.ts, mongorestore --oplogReplay's rules). Every write
 * waits for a majority of DR, and each applied batch reports its position so an interrupted apply resumes
 * after it instead of applying twice.
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

const BSON_OPTIONS = { promoteValues: false } as const;

function replayer(dr: MongoClient, deps: ApplyDeps, upsertUpdates: boolean, resumeAfterTs: string | null | undefined): OplogReplayer {
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

/** Removes DR's user databases: a baseline replaces DR's data (the safety point was recorded first). */
async function clearTarget(dr: MongoClient): Promise<void> {
  const { databases } = await dr.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) if (!NON_USER_DATABASES.has(name)) await dr.db(name).dropDatabase({ writeConcern: MAJORITY });
}

export async function restoreBaselineArchive(dr: MongoClient, path: string, m: Manifest, deps: ApplyDeps): Promise<ApplyOutcome> {
  const { progress } = deps;
  await clearTarget(dr);
  progress.phase('apply', 'Restoring the baseline on DR', { collections: { done: 0, total: m.collections ?? 0 }, documents: { done: 0, total: m.count } });
  let current: { db: string; name: string; indexes: Document[]; target: string } | null = null;
  let docs: Document[] = [];
  let done = 0;
  let collections = 0;
  let oplog: OplogReplayer | null = null;
  const flushDocs = async () => {
    if (current && docs.length) await dr.db(current.db).collection(current.target).insertMany(docs, { ordered: true, forceServerObjectId: false, writeConcern: MAJORITY });
    docs = [];
  };
  const finishCollection = async () => {
    if (!current) return;
    await flushDocs();
    const indexes = current.indexes.filter((ix) => ix.name !== '_id_');
    if (indexes.length)
      await dr.db(current.db).command({
        createIndexes: current.name,
        indexes: indexes.map((ix) => Object.fromEntries(Object.entries(ix).filter(([k]) => k !== 'v' && k !== 'ns'))),
        writeConcern: MAJORITY,
      });
    collections++;
    current = null;
  };
  for await (const raw of readArchive(path)) {
    if (oplog) {
      await oplog.add(deserialize(raw, BSON_OPTIONS));
    } else {
      const d = deserialize(raw, BSON_OPTIONS);
      if (d._id === undefined && d._drdesk === 'collection') {
        await finishCollection();
        const name = String(d.name);
        // A time-series collection is created as one (its options carry timeseries), and its documents are buckets.
        current = { db: String(d.db), name, indexes: (d.indexes as Document[]) ?? [], target: d.timeseries === true ? bucketsOf(name) : name };
        const options = Object.fromEntries(Object.entries((d.options as Document) ?? {}).filter(([k]) => k !== 'uuid'));
        await dr.db(current.db).command({ create: name, ...options, writeConcern: MAJORITY });
      } else if (d._id === undefined && d._drdesk === 'view') {
        await finishCollection();
        const { viewOn, pipeline, collation } = (d.options as Document) ?? {};
        await dr.db(String(d.db)).command({ create: String(d.name), viewOn, pipeline: pipeline ?? [], ...(collation ? { collation } : {}), writeConcern: MAJORITY });
      } else if (d._id === undefined && d._drdesk === 'oplog') {
        await finishCollection();
        progress.phase('apply', 'Replaying the oplog captured during the copy', { collections: { done: collections, total: m.collections ?? collections } });
        oplog = replayer(dr, deps, true, null);
      } else if (!current) {
        throw new DeskError('ARCHIVE_CORRUPT', `The baseline archive ${path} has documents before any collection header: it will not be applied; take a new baseline.`);
      } else {
        docs.push(d);
        if (docs.length >= 1000) {
          checkAborted(deps.signal);
          await flushDocs();
        }
      }
    }
    if (++done % 1000 === 0) progress.update({ documents: { done, total: m.count }, collections: { done: collections, total: m.collections ?? collections } });
  }
  if (!oplog) throw new DeskError('ARCHIVE_CORRUPT', `The baseline archive ${path} ends before its oplog section: it is incomplete; take a new baseline.`);
  await (oplog as OplogReplayer).finish();
  return { applied: done, lastWall: (oplog as OplogReplayer).lastWall ?? (m.lastWall ? Date.parse(m.lastWall) : null) };
}

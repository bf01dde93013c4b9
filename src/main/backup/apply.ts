import { deserialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import { readArchive } from './archive';
import { SYSTEM_DATABASES } from './baseline';
import type { Manifest } from './manifest';
import { compareTs, tsToText } from './oplog-ts';
import type { ProgressTracker } from './progress';
import { checkAborted } from './scheduler';

/**
 * Applying on DR through the driver: oplog entries in order with applyOps (batched, as mongorestore
 * --oplogReplay does), and for a baseline first the collections and their indexes. Each applied batch
 * reports its last position so an interrupted apply resumes after it instead of applying twice.
 */
export interface ApplyDeps {
  progress: ProgressTracker;
  signal?: AbortSignal;
  /** Entries already applied by an interrupted earlier attempt: skip up to and including this position. */
  resumeAfterTs?: string | null;
  onBatchApplied?: (lastTs: string) => void;
  batchEntries?: number;
  batchBytes?: number;
}

export interface ApplyOutcome {
  applied: number;
  /** DC wall time (ms) of the last entry applied, for RPO. */
  lastWall: number | null;
}

const BSON_OPTIONS = { promoteValues: false } as const;

/** Entries DR must not receive: no-ops, and DC's own local/config/system state. */
function skipped(e: Document): boolean {
  if (e.op === 'n') return true;
  const ns = String(e.ns ?? '');
  const db = ns.slice(0, ns.indexOf('.'));
  return db === 'local' || db === 'config' || (db === 'admin' && ns.startsWith('admin.system.'));
}

class OplogApplier {
  private batch: Document[] = [];
  private batchBytes = 0;
  private batchLastTs: string | null = null;
  applied = 0;
  lastWall: number | null = null;

  constructor(
    private readonly dr: MongoClient,
    private readonly deps: ApplyDeps,
    /** Baseline replay: updates of documents the copy never saw are skipped (upsert flag), as in initial sync. */
    private readonly idempotentUpdates: boolean,
  ) {}

  async add(raw: Uint8Array): Promise<void> {
    const e = deserialize(raw, BSON_OPTIONS);
    const ts = tsToText(e.ts);
    if (this.deps.resumeAfterTs && compareTs(ts, this.deps.resumeAfterTs) <= 0) return;
    if (e.wall instanceof Date) this.lastWall = e.wall.getTime();
    this.batchLastTs = ts;
    if (skipped(e)) return;
    if (this.idempotentUpdates && e.op === 'u') e.b = true;
    this.batch.push(e);
    this.batchBytes += raw.length;
    if (this.batch.length >= (this.deps.batchEntries ?? 1000) || this.batchBytes >= (this.deps.batchBytes ?? 8 * 1024 * 1024)) await this.flush();
  }

  async flush(): Promise<void> {
    const lastTs = this.batchLastTs;
    if (this.batch.length) {
      checkAborted(this.deps.signal);
      const entries = this.batch;
      this.batch = [];
      this.batchBytes = 0;
      try {
        await this.dr.db('admin').command({ applyOps: entries });
      } catch (err) {
        throw new DeskError(
          'APPLY_FAILED',
          `DR refused oplog entries ${tsToText(entries[0].ts)}…${tsToText(entries[entries.length - 1].ts)}: ${(err as Error).message}. DR was left at the last applied position; check DR's primary and run the cycle again.`,
        );
      }
      this.applied += entries.length;
    }
    if (lastTs) this.deps.onBatchApplied?.(lastTs);
    this.batchLastTs = null;
  }
}

export async function applyIncrementArchive(dr: MongoClient, path: string, m: Manifest, deps: ApplyDeps): Promise<ApplyOutcome> {
  const applier = new OplogApplier(dr, deps, false);
  let seen = 0;
  for await (const raw of readArchive(path)) {
    await applier.add(raw);
    if (++seen % 1000 === 0) deps.progress.update({ documents: { done: seen, total: m.count } });
  }
  await applier.flush();
  deps.progress.update({ documents: { done: m.count, total: m.count } });
  return { applied: applier.applied, lastWall: applier.lastWall };
}

/** Removes DR's user databases: a baseline replaces DR's data (the safety point was recorded first). */
async function clearTarget(dr: MongoClient): Promise<void> {
  const { databases } = await dr.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) if (!SYSTEM_DATABASES.has(name)) await dr.db(name).dropDatabase();
}

export async function restoreBaselineArchive(dr: MongoClient, path: string, m: Manifest, deps: ApplyDeps): Promise<ApplyOutcome> {
  const { progress } = deps;
  await clearTarget(dr);
  progress.phase('apply', 'Restoring the baseline on DR', { collections: { done: 0, total: m.collections ?? 0 }, documents: { done: 0, total: m.count } });
  let current: { db: string; name: string; indexes: Document[] } | null = null;
  let docs: Document[] = [];
  let done = 0;
  let collections = 0;
  let oplog: OplogApplier | null = null;
  const flushDocs = async () => {
    if (current && docs.length) await dr.db(current.db).collection(current.name).insertMany(docs, { ordered: true, forceServerObjectId: false });
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
      });
    collections++;
    current = null;
  };
  for await (const raw of readArchive(path)) {
    if (oplog) {
      await oplog.add(raw);
    } else {
      const d = deserialize(raw, BSON_OPTIONS);
      if (d._id === undefined && d._drdesk === 'collection') {
        await finishCollection();
        current = { db: String(d.db), name: String(d.name), indexes: (d.indexes as Document[]) ?? [] };
        const options = Object.fromEntries(Object.entries((d.options as Document) ?? {}).filter(([k]) => k !== 'uuid'));
        await dr.db(current.db).command({ create: current.name, ...options });
      } else if (d._id === undefined && d._drdesk === 'oplog') {
        await finishCollection();
        progress.phase('apply', 'Replaying the oplog captured during the copy', { collections: { done: collections, total: m.collections ?? collections } });
        oplog = new OplogApplier(dr, { ...deps, resumeAfterTs: null }, true);
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
  await (oplog as OplogApplier).flush();
  return { applied: done, lastWall: (oplog as OplogApplier).lastWall ?? (m.lastWall ? Date.parse(m.lastWall) : null) };
}

import { deserialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import { readArchive } from '../archive';
import { NON_USER_DATABASES } from '../../control/names';
import { fenceRefusal, stoppedAtFence } from '../../control/data-fence';
import { BSON_OPTIONS, MAJORITY, replayer, type ApplyDeps, type ApplyOutcome } from '../apply';
import type { BaselinePart, Manifest } from '../manifest';
import { OplogReplayer, failedResults, probeFence } from '../replay/oplog-replayer';
import { bucketsOf } from './names';
import { checkAborted } from '../scheduler';
import { rateText } from '../progress';

/** Removes DR's user databases: a baseline replaces DR's data (the safety point was recorded first). */
async function clearTarget(dr: MongoClient): Promise<void> {
  const { databases } = await dr.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) if (!NON_USER_DATABASES.has(name)) await dr.db(name).dropDatabase({ writeConcern: MAJORITY });
}

/** What createIndexes takes from a listIndexes entry: everything but the version and the namespace. */
function indexSpecs(indexes: Document[]): Document[] {
  return indexes.filter((ix) => ix.name !== '_id_').map((ix) => Object.fromEntries(Object.entries(ix).filter(([k]) => k !== 'v' && k !== 'ns')));
}

/** The create command's options from a collection marker: DR gives the collection its own UUID. */
function createOptions(marker: Document): Document {
  return Object.fromEntries(Object.entries((marker.options as Document) ?? {}).filter(([k]) => k !== 'uuid'));
}

async function createView(dr: MongoClient, d: Document): Promise<void> {
  const { viewOn, pipeline, collation } = (d.options as Document) ?? {};
  await dr.db(String(d.db)).command({ create: String(d.name), viewOn, pipeline: pipeline ?? [], ...(collation ? { collation } : {}), writeConcern: MAJORITY });
}

/** A baseline in one archive (the layout before parts): markers, documents, views, then the oplog section. */
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
    const indexes = indexSpecs(current.indexes);
    if (indexes.length) await dr.db(current.db).command({ createIndexes: current.name, indexes, writeConcern: MAJORITY });
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
        await dr.db(current.db).command({ create: name, ...createOptions(d), writeConcern: MAJORITY });
      } else if (d._id === undefined && d._drdesk === 'view') {
        await finishCollection();
        await createView(dr, d);
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

/** How the restore gets a part's documents: the caller fetches and checks it, and frees it once restored. */
export type { BaselinePart };

export interface PartAccess {
  /** A local copy of the part whose sha256 matches the manifest (throws a coded error otherwise). */
  open(part: BaselinePart, signal?: AbortSignal): Promise<string>;
  /** The part is restored (or the restore stopped): its local copy may go. */
  release(part: BaselinePart, path: string): Promise<void>;
}

export interface PartedRestoreOptions {
  parts: BaselinePart[];
  access: PartAccess;
  /** Parts restored at once (default 4). */
  concurrency?: number;
  /** Documents per applyOps batch (default 1000). */
  batchDocs?: number;
  /** Raw BSON bytes per batch (default 4 MiB): an applyOps command must stay under 16 MiB. */
  batchBytes?: number;
  /** Seen after each batch DR acknowledged (tests take the lease over here). */
  onBatch?: (part: BaselinePart, documentsDone: number) => void | Promise<void>;
}

export const DEFAULT_PART_CONCURRENCY = 4;
const DEFAULT_BATCH_DOCS = 1000;
const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
/** A single document may be 16 MiB; with its applyOps wrapper and the fence it still fits the 16 MiB + 16 KiB a command may be. */
const MAX_BATCH_BYTES = 12 * 1024 * 1024;

interface CollectionMarker {
  db: string;
  name: string;
  target: string;
  marker: Document;
  indexes: Document[];
  parts: BaselinePart[];
}

interface Head {
  collections: CollectionMarker[];
  views: Document[];
}

function key(db: string, name: string): string {
  return `${db}.${name}`;
}

function partsInvalid(why: string): DeskError {
  return new DeskError('BASELINE_PARTS_INVALID', `The parted baseline does not hold together (${why}): nothing was restored on DR; take a new baseline.`);
}

/** Reads the head archive up to its oplog marker and checks it against the manifest's parts, before any write. */
async function readHead(path: string, parts: BaselinePart[]): Promise<Head> {
  const collections: CollectionMarker[] = [];
  const views: Document[] = [];
  const byKey = new Map<string, CollectionMarker>();
  let oplog = false;
  for await (const raw of readArchive(path)) {
    const d = deserialize(raw, BSON_OPTIONS);
    if (d._id === undefined && d._drdesk === 'collection') {
      const c: CollectionMarker = { db: String(d.db), name: String(d.name), target: d.timeseries === true ? bucketsOf(String(d.name)) : String(d.name), marker: d, indexes: (d.indexes as Document[]) ?? [], parts: [] };
      if (byKey.has(key(c.db, c.name))) throw partsInvalid(`the head names ${key(c.db, c.name)} twice`);
      byKey.set(key(c.db, c.name), c);
      collections.push(c);
    } else if (d._id === undefined && d._drdesk === 'view') views.push(d);
    else if (d._id === undefined && d._drdesk === 'oplog') {
      oplog = true;
      break;
    } else throw new DeskError('ARCHIVE_CORRUPT', `The head archive ${path} of a parted baseline holds documents (they belong in its parts): it will not be applied; take a new baseline.`);
  }
  if (!oplog) throw new DeskError('ARCHIVE_CORRUPT', `The baseline archive ${path} ends before its oplog section: it is incomplete; take a new baseline.`);
  const seen = new Set<number>();
  for (const p of parts) {
    if (seen.has(p.index)) throw partsInvalid(`part index ${p.index} appears twice`);
    seen.add(p.index);
    const c = byKey.get(key(p.db, p.name));
    if (!c) throw partsInvalid(`part ${p.archive} fills ${key(p.db, p.name)}, which the head archive does not create`);
    c.parts.push(p);
  }
  for (const c of collections) {
    const listed = c.marker.parts;
    if (listed === undefined) continue;
    const want = (listed as unknown[]).map(Number).sort((a, b) => a - b);
    const have = c.parts.map((p) => p.index).sort((a, b) => a - b);
    if (want.join(',') !== have.join(',')) throw partsInvalid(`${key(c.db, c.name)}'s header lists parts [${want.join(', ')}], the manifest [${have.join(', ')}]`);
  }
  return { collections, views };
}

/** The oplog section of the head archive: every entry after its {_drdesk:'oplog'} marker. */
async function* oplogSection(path: string): AsyncGenerator<Document> {
  let inOplog = false;
  for await (const raw of readArchive(path)) {
    const d = deserialize(raw, BSON_OPTIONS);
    if (inOplog) yield d;
    else if (d._id === undefined && d._drdesk === 'oplog') inOplog = true;
  }
}

/**
 * A parted baseline (manifest `parts`): clear DR, create every collection from the head's markers, restore
 * the parts through a bounded pool (each streamed, in ordered applyOps batches bounded by count and bytes,
 * every batch led by the lease term's fence entry), build each collection's indexes once all its parts are
 * in, create the views, then replay the head's oplog section exactly as a one-archive baseline does.
 */
export async function restorePartedBaseline(dr: MongoClient, headPath: string, m: Manifest, deps: ApplyDeps, opts: PartedRestoreOptions): Promise<ApplyOutcome> {
  const { progress } = deps;
  const head = await readHead(headPath, opts.parts);
  const fenced = new Fenced(dr, deps.fenceOp);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_PART_CONCURRENCY));
  const batchDocs = Math.max(1, opts.batchDocs ?? DEFAULT_BATCH_DOCS);
  const batchBytes = Math.min(MAX_BATCH_BYTES, Math.max(1, opts.batchBytes ?? DEFAULT_BATCH_BYTES));

  await fenced.check();
  await clearTarget(dr);
  const totalDocs = opts.parts.reduce((n, p) => n + p.count, 0);
  const totalBytes = opts.parts.reduce((n, p) => n + p.rawBytes, 0);
  progress.phase('apply', `Restoring the baseline on DR: ${head.collections.length} collections in ${opts.parts.length} parts, ${concurrency} at a time`, {
    collections: { done: 0, total: head.collections.length },
    documents: { done: 0, total: totalDocs },
    bytes: { done: 0, total: totalBytes },
  });
  for (const c of head.collections) await dr.db(c.db).command({ create: c.name, ...createOptions(c.marker), writeConcern: MAJORITY });

  const startedAt = Date.now();
  let docsDone = 0;
  let bytesDone = 0;
  let partsDone = 0;
  let collectionsDone = 0;
  const active = new Map<number, { part: BaselinePart; docs: number }>();
  const report = () => {
    const seconds = (Date.now() - startedAt) / 1000;
    const running = [...active.values()].map(({ part, docs }) => `#${part.index} ${key(part.db, part.name)} ${part.count ? Math.floor((docs / part.count) * 100) : 100}%`).join(', ');
    progress.update({
      documents: { done: docsDone, total: totalDocs },
      bytes: { done: bytesDone, total: totalBytes },
      collections: { done: collectionsDone, total: head.collections.length },
      message: `Restoring parts on DR: ${partsDone} of ${opts.parts.length} done${running ? ` (${running})` : ''}${seconds >= 0.5 ? `, ${rateText(bytesDone / seconds)}` : ''}`,
    });
  };

  const finishCollection = async (c: CollectionMarker) => {
    const expected = c.parts.reduce((n, p) => n + p.count, 0);
    const found = await dr.db(c.db).collection(c.target).countDocuments({});
    if (found !== expected)
      throw new DeskError(
        'BASELINE_COUNT_MISMATCH',
        `${key(c.db, c.target)} holds ${found} documents on DR after its ${c.parts.length} parts, not the ${expected} the manifest lists (parts overlap or a part is short): the baseline is not recorded as applied; take a new baseline.`,
      );
    const indexes = indexSpecs(c.indexes);
    if (indexes.length) {
      await fenced.check();
      try {
        await dr.db(c.db).command({ createIndexes: c.name, indexes, writeConcern: MAJORITY });
      } catch (err) {
        const e = err as { code?: number; message?: string };
        if (e.code === 11000)
          throw new DeskError(
            'BASELINE_UNIQUE_VIOLATION',
            `A unique index of ${key(c.db, c.name)} cannot be built on DR: the baseline's documents break it (${e.message}). The baseline is not recorded as applied; check the source collection's data against its unique indexes and take a new baseline.`,
          );
        throw err;
      }
    }
    collectionsDone++;
  };

  const remaining = new Map(head.collections.map((c) => [key(c.db, c.name), c.parts.length]));
  for (const c of head.collections) if (!c.parts.length) await finishCollection(c);

  let failure: unknown = null;
  const queue = [...opts.parts];
  const stopped = () => {
    checkAborted(deps.signal);
    if (failure) throw failure;
  };
  const restorePart = async (part: BaselinePart) => {
    const c = head.collections.find((x) => x.db === part.db && x.name === part.name)!;
    const ns = key(c.db, c.target);
    const path = await opts.access.open(part, deps.signal);
    const slot = { part, docs: 0 };
    active.set(part.index, slot);
    try {
      let batch: Document[] = [];
      let batchSize = 0;
      const send = async () => {
        if (!batch.length) return;
        stopped();
        const docs = batch;
        const size = batchSize;
        batch = [];
        batchSize = 0;
        await fenced.insert(ns, docs, part);
        slot.docs += docs.length;
        docsDone += docs.length;
        bytesDone += size;
        report();
        await opts.onBatch?.(part, slot.docs);
      };
      for await (const raw of readArchive(path)) {
        if (batch.length && (batch.length >= batchDocs || batchSize + raw.length > batchBytes)) await send();
        const d = deserialize(raw, BSON_OPTIONS);
        if (d._id === undefined) throw new DeskError('ARCHIVE_CORRUPT', `Part ${part.archive} holds a document without _id (a marker?): it will not be applied; take a new baseline.`);
        batch.push(d);
        batchSize += raw.length;
      }
      await send();
      if (slot.docs !== part.count)
        throw new DeskError('BASELINE_COUNT_MISMATCH', `Part ${part.archive} holds ${slot.docs} documents, not the ${part.count} its manifest lists: the baseline is not recorded as applied; take a new baseline.`);
    } finally {
      active.delete(part.index);
      await opts.access.release(part, path);
    }
    partsDone++;
    report();
    const left = remaining.get(key(c.db, c.name))! - 1;
    remaining.set(key(c.db, c.name), left);
    if (left === 0) await finishCollection(c);
  };
  const worker = async () => {
    while (!failure && queue.length) {
      const part = queue.shift()!;
      try {
        stopped();
        await restorePart(part);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, opts.parts.length)) }, worker));
  if (failure) throw failure;

  if (head.views.length) await fenced.check();
  for (const v of head.views) await createView(dr, v);

  progress.phase('apply', 'Replaying the oplog captured during the copy', { collections: { done: collectionsDone, total: head.collections.length } });
  const oplog = replayer(dr, deps, true, null);
  for await (const entry of oplogSection(headPath)) await oplog.add(entry);
  await oplog.finish();
  return { applied: docsDone + oplog.applied, lastWall: oplog.lastWall ?? (m.lastWall ? Date.parse(m.lastWall) : null) };
}

/**
 * The lease term's fence on the restore's writes. Documents go in through applyOps so that each batch can
 * start with the fence entry: once a newer term dropped the fence collection, mongod stops the batch at that
 * first entry (NamespaceNotFound) and inserts none of its documents (data-fence.ts). DDL cannot ride in an
 * applyOps (index builds are refused there), so clear/create, index builds and views are preceded by a
 * fence-only applyOps instead. Without a fence (no control collections) the batches carry only documents.
 */
class Fenced {
  constructor(
    private readonly dr: MongoClient,
    private readonly fenceOp: (() => Document) | undefined,
  ) {}

  check(): Promise<void> {
    return probeFence(this.dr, this.fenceOp?.());
  }

  async insert(ns: string, docs: Document[], part: BaselinePart): Promise<void> {
    const fence = this.fenceOp?.();
    try {
      await this.dr.db('admin').command({ applyOps: [...(fence ? [fence] : []), ...docs.map((o) => ({ op: 'i', ns, o }))], writeConcern: MAJORITY });
    } catch (err) {
      if (stoppedAtFence(err, fence, failedResults(err))) throw await fenceRefusal(this.dr, fence!);
      throw new DeskError(
        'BASELINE_RESTORE_FAILED',
        `DR refused a batch of part ${part.archive} (${ns}): ${(err as Error).message}. The baseline is not recorded as applied; the next cycle restores it again from the start.`,
      );
    }
  }
}

import { Double, Int32, Long, ObjectId, type Document } from 'bson';
import type { Collection, MongoClient } from 'mongodb';
import { NON_USER_DATABASES } from '../../control/names';
import { bucketsOf } from './names';

/**
 * What a baseline copies, decided once before the copy and kept (part-store.ts) so an interrupted baseline
 * resumes with the same parts: every collection with its options and index definitions, every view, and the
 * parts — one per collection, or one per `_id` range of a large collection.
 */
export interface CollectionPlan {
  db: string;
  name: string;
  options: Document;
  indexes: Document[];
  estimate: number;
  /** A time-series collection: its data is the buckets collection, copied and restored as buckets (as mongodump does). */
  timeseries: boolean;
}

/** A view: recreated on DR from its definition (viewOn + pipeline), never copied as system.views data. */
export interface ViewPlan {
  db: string;
  name: string;
  options: Document;
}

/** One part: the documents of `db.name` (its buckets for a time series) with `lo <= _id < hi`; a null bound is open. */
export interface PartRange {
  index: number;
  db: string;
  name: string;
  /** The collection the documents are read from and restored into. */
  source: string;
  lo: unknown;
  hi: unknown;
}

export interface BaselinePlan {
  collections: CollectionPlan[];
  views: ViewPlan[];
  parts: PartRange[];
}

export interface PartSizing {
  /** A collection with more documents than this is split (default 250,000). */
  partDocuments?: number;
  /** …or with more data than this, in BSON bytes (default 64 MiB). */
  partBytes?: number;
}

const DEFAULT_PART_DOCUMENTS = 250_000;
const DEFAULT_PART_BYTES = 64 * 1024 * 1024;
/** Each boundary costs the server an index walk (skip): enough parts to spread the work, not thousands. */
const MAX_PARTS_PER_COLLECTION = 64;

/** The filter that reads one part: `{}` for a whole collection. */
export function rangeFilter(r: Pick<PartRange, 'lo' | 'hi'>): Document {
  const bounds: Document = {};
  if (r.lo !== null) bounds.$gte = r.lo;
  if (r.hi !== null) bounds.$lt = r.hi;
  return Object.keys(bounds).length ? { _id: bounds } : {};
}

/**
 * The comparable key of an _id whose type bracket can be split by range, or null. A range query on _id only
 * matches values of the bound's BSON type bracket (MongoDB compares across brackets by type order, and
 * `$gte`/`$lt` never cross one), so a collection is split only when its smallest and largest _id — and
 * therefore every _id between — share one of these brackets.
 */
function rangeKey(v: unknown): { bracket: string; cmp: (other: unknown) => number } | null {
  if (typeof v === 'number' || v instanceof Int32 || v instanceof Double || v instanceof Long) {
    const n = Number(v instanceof Long ? v.toString() : v.valueOf());
    // Number() is monotone, so rounding can only make two boundaries compare equal (one is then dropped).
    return { bracket: 'number', cmp: (o) => n - Number(o instanceof Long ? o.toString() : (o as number | Int32 | Double).valueOf()) };
  }
  if (typeof v === 'string') return { bracket: 'string', cmp: (o) => Buffer.compare(Buffer.from(v, 'utf8'), Buffer.from(o as string, 'utf8')) };
  if (v instanceof ObjectId) return { bracket: 'objectId', cmp: (o) => Buffer.compare(Buffer.from(v.id), Buffer.from((o as ObjectId).id)) };
  if (v instanceof Date) return { bracket: 'date', cmp: (o) => v.getTime() - (o as Date).getTime() };
  // Decimal128 and every other type: not split (no exact comparison here), copied as one part.
  return null;
}

async function idAt(coll: Collection, direction: 1 | -1, skip = 0): Promise<unknown> {
  const d = await coll.find({}, { projection: { _id: 1 }, sort: { _id: direction }, skip, limit: 1 }).next();
  return d ? (d._id as unknown) : undefined;
}

/** Strictly increasing _id boundaries that cut `coll` into about `n` parts by document count; [] when it cannot be split. */
async function boundaries(coll: Collection, estimate: number, n: number): Promise<unknown[]> {
  const first = rangeKey(await idAt(coll, 1));
  const last = await idAt(coll, -1);
  const lastKey = rangeKey(last);
  if (!first || !lastKey || first.bracket !== lastKey.bracket) return [];
  const step = Math.floor(estimate / n);
  const out: unknown[] = [];
  for (let i = 1; i < n; i++) {
    const id = await idAt(coll, 1, i * step);
    const key = rangeKey(id);
    if (!key || key.bracket !== first.bracket) break;
    // Writes between these reads may shift positions: a boundary not above the previous one is dropped (fewer, larger parts).
    if (out.length && key.cmp(out.at(-1)) <= 0) continue;
    out.push(id);
  }
  return out;
}

async function dataBytes(coll: Collection): Promise<number> {
  const [stats] = await coll
    .aggregate<Document>([{ $collStats: { storageStats: {} } }])
    .toArray()
    .catch(() => [] as Document[]);
  return Number((stats?.storageStats as Document | undefined)?.size ?? 0);
}

async function partsOf(coll: Collection, estimate: number, sizing: Required<PartSizing>): Promise<unknown[]> {
  if (estimate < 2) return [];
  const bytes = await dataBytes(coll);
  const n = Math.min(MAX_PARTS_PER_COLLECTION, Math.max(Math.ceil(estimate / sizing.partDocuments), Math.ceil(bytes / sizing.partBytes)));
  return n > 1 ? boundaries(coll, estimate, n) : [];
}

export async function planBaseline(src: MongoClient, sizing: PartSizing = {}): Promise<BaselinePlan> {
  const size: Required<PartSizing> = { partDocuments: sizing.partDocuments ?? DEFAULT_PART_DOCUMENTS, partBytes: sizing.partBytes ?? DEFAULT_PART_BYTES };
  const collections: CollectionPlan[] = [];
  const views: ViewPlan[] = [];
  const parts: PartRange[] = [];
  const { databases } = await src.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name: dbName } of databases) {
    if (NON_USER_DATABASES.has(dbName)) continue;
    const db = src.db(dbName);
    for (const info of await db.listCollections({}, { nameOnly: false }).toArray()) {
      const options: Document = ('options' in info ? info.options : {}) ?? {};
      if (info.type === 'view') {
        views.push({ db: dbName, name: info.name, options });
        continue;
      }
      const timeseries = info.type === 'timeseries';
      // system.views and system.buckets.* travel as the view / time-series definitions above, not as data.
      if ((!timeseries && info.type && info.type !== 'collection') || info.name.startsWith('system.')) continue;
      const coll = db.collection(info.name);
      const source = timeseries ? bucketsOf(info.name) : info.name;
      const data = db.collection(source);
      const [indexes, estimate] = await Promise.all([coll.listIndexes().toArray(), data.estimatedDocumentCount()]);
      collections.push({ db: dbName, name: info.name, options, indexes, estimate, timeseries });
      // A capped collection keeps insertion order, not _id order: copied whole.
      const cuts = options.capped ? [] : await partsOf(data, estimate, size);
      const bounds = [null, ...cuts, null];
      for (let i = 0; i + 1 < bounds.length; i++) parts.push({ index: parts.length + 1, db: dbName, name: info.name, source, lo: bounds[i], hi: bounds[i + 1] });
    }
  }
  return { collections, views, parts };
}

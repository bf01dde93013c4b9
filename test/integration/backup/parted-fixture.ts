import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { ArchiveWriter, fileSha256 } from '../../../src/main/backup/archive';
import type { BaselinePart } from '../../../src/main/backup/baseline/restore';
import type { PartFiles } from '../../../src/main/backup/baseline/restore-fetch';
import { bucketsOf } from '../../../src/main/backup/baseline/names';
import { MANIFEST_FORMAT, type Manifest } from '../../../src/main/backup/manifest';
import { ProgressTracker } from '../../../src/main/backup/progress';
import { lastPosition } from '../../../src/main/connectors/mongo-endpoints';
import { tsToText } from '../../../src/main/connectors/oplog-ts';
import { NON_USER_DATABASES } from '../../../src/main/control/names';
import { DeskError } from '../../../src/shared/errors';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { setUri, withSandbox } from '../sandbox/helpers';
import { snapshot } from './harness';

/**
 * Parted baselines built by hand from the sandbox's DC, for the restore tests: a collection split into three
 * parts by _id ranges with DC changing copied documents in between, a time-series collection as buckets, a
 * view, secondary and unique indexes, and an oplog section; the parts and head written in the shared format.
 */
export const W = { writeConcern: { w: 'majority' as const } };
export const CHAIN = 'chain-parted';

export interface Built {
  dir: string;
  head: string;
  parts: BaselinePart[];
  manifest: Manifest;
}

export interface HandPart {
  db: string;
  name: string;
  docs: Array<Buffer | Uint8Array>;
}

export interface HandBaseline {
  markers: Document[];
  parts: HandPart[];
  views: Document[];
  oplog: Array<Buffer | Uint8Array>;
  startTs: string;
}

export async function writeArchive(path: string, docs: Array<Buffer | Uint8Array>) {
  const w = new ArchiveWriter(path, 1);
  for (const d of docs) await w.write(d);
  return w.finish();
}

/** Writes the part files and the head archive in the shared format (parts first, head last) and its manifest. */
export async function writeParted(b: HandBaseline): Promise<Built> {
  const dir = await mkdtemp(join(tmpdir(), 'drdesk-parted-'));
  const base = `${CHAIN}-000000.bson.gz`;
  const parts: BaselinePart[] = [];
  for (const [i, p] of b.parts.entries()) {
    const archive = `${base}.p${String(i + 1).padStart(4, '0')}`;
    const sum = await writeArchive(join(dir, archive), p.docs);
    parts.push({ archive, db: p.db, name: p.name, index: i + 1, count: sum.documents, bytes: sum.bytes, rawBytes: sum.rawBytes, sha256: sum.sha256 });
  }
  const markers = b.markers.map((m) => ({ ...m, parts: parts.filter((p) => p.db === m.db && p.name === m.name).map((p) => p.index) }));
  const head = join(dir, base);
  const sum = await writeArchive(head, [...markers.map((m) => serialize(m)), ...b.views.map((v) => serialize(v)), serialize({ _drdesk: 'oplog' }), ...b.oplog]);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    kind: 'baseline',
    chainId: CHAIN,
    seq: 0,
    fromTs: b.startTs,
    toTs: b.startTs,
    count: parts.reduce((n, p) => n + p.count, 0) + b.oplog.length,
    bytes: sum.bytes,
    rawBytes: sum.rawBytes,
    sha256: sum.sha256,
    prevManifestSha256: null,
    dcVersion: '7.0.0',
    replicaSet: 'dc',
    createdAt: new Date().toISOString(),
    headCheckedAt: new Date().toISOString(),
    lastWall: null,
    archive: base,
    collections: markers.length,
  };
  return { dir, head, parts, manifest };
}

/** DC's user collections (markers as the capture writes them) and views. */
export async function plan(dc: MongoClient): Promise<{ markers: Document[]; views: Document[] }> {
  const markers: Document[] = [];
  const views: Document[] = [];
  const { databases } = await dc.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name: db } of databases) {
    if (NON_USER_DATABASES.has(db)) continue;
    for (const info of await dc.db(db).listCollections({}, { nameOnly: false }).toArray()) {
      const options = ('options' in info ? info.options : {}) ?? {};
      if (info.type === 'view') views.push({ _drdesk: 'view', db, name: info.name, options });
      else if (!info.name.startsWith('system.'))
        markers.push({ _drdesk: 'collection', db, name: info.name, options, indexes: await dc.db(db).collection(info.name).listIndexes().toArray(), timeseries: info.type === 'timeseries' });
    }
  }
  return { markers, views };
}

export async function rawDocs(dc: MongoClient, db: string, coll: string, filter: Document = {}): Promise<Uint8Array[]> {
  return (await dc.db(db).collection(coll).find(filter, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Uint8Array[];
}

/** Every index of every user collection: name, key and the options that matter, in name order. */
export async function indexDefs(client: MongoClient): Promise<Record<string, Document[]>> {
  const out: Record<string, Document[]> = {};
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name: db } of databases) {
    if (NON_USER_DATABASES.has(db)) continue;
    for (const c of await client.db(db).listCollections({ type: { $ne: 'view' } }, { nameOnly: true }).toArray()) {
      if (c.name.startsWith('system.')) continue;
      const ixs = await client.db(db).collection(c.name).listIndexes().toArray();
      out[`${db}.${c.name}`] = ixs.map(({ v: _v, ns: _ns, ...rest }) => rest).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    }
  }
  return out;
}

/** Part files served from a directory, as a landing hands them out (copy + sha256 of the landed file). */
export function dirFiles(dir: string, tamper?: (name: string, path: string) => Promise<void>): PartFiles & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    fetchFile: async (name, local) => {
      const src = join(dir, name);
      if (!existsSync(src)) throw new DeskError('SLICE_MISSING_REMOTE', `${name} is not at the landing.`);
      await copyFile(src, local);
      fetched.push(name);
      await tamper?.(name, local);
    },
    fileChecksum: async (name) => (existsSync(join(dir, name)) ? fileSha256(join(dir, name)) : null),
  };
}

export function refuse(code: string, message: string): never {
  throw new DeskError(code, message);
}


export interface PartedBed {
  dc: MongoClient;
  dr: MongoClient;
  built: Built;
  dcSnapshot: Map<string, string[]>;
  dcIndexes: Record<string, Document[]>;
  /** A fresh staging directory for each test. */
  staging: string;
  progressOf(events: BackupProgress[]): ProgressTracker;
  /** A one-collection baseline whose documents break its unique index (and an oplog entry after them). */
  uniqueBreaking(): Promise<Built>;
  /** Directories removed after the file's tests. */
  dirs: string[];
}

/** The sandbox, DC's data copied by hand into a parted baseline, and DR holding something a baseline replaces. */
export function partedBed(): PartedBed {
  let sandbox: Sandbox;
  const dirs: string[] = [];
  const bed = {
    dirs,
    progressOf: (events: BackupProgress[]) => new ProgressTracker({ cycleId: 1, kind: 'baseline' }, (p) => events.push(p), 0),
    uniqueBreaking: async (): Promise<Built> => {
      const { dc, built } = bed;
      const marker = { _drdesk: 'collection', db: 'uniq', name: 'users', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }, { v: 2, key: { email: 1 }, name: 'email_1', unique: true }], timeseries: false };
      const docs = [1, 2, 3].map((i) => serialize({ _id: i, email: i === 2 ? 'b@x' : 'a@x' }));
      const later = serialize({ op: 'i', ns: 'uniq.users', o: { _id: 99, email: 'late@x' }, ts: (await lastPosition(dc))!.ts, t: 1, v: 2, wall: new Date() });
      const b = await writeParted({ markers: [marker], parts: [{ db: 'uniq', name: 'users', docs }], views: [], oplog: [later], startTs: built.manifest.fromTs });
      dirs.push(b.dir);
      return b;
    },
  } as PartedBed;
  withSandbox({ fast: true }, (sb) => (sandbox = sb));
  beforeAll(async () => {
    const dc = new MongoClient(setUri(sandbox, 'DC'), { serverSelectionTimeoutMS: 20_000 });
    const dr = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    await Promise.all([dc.connect(), dr.connect()]);
    bed.dc = dc;
    bed.dr = dr;
    const shop = dc.db('shop');
    await shop.createCollection('orders', W);
    await shop.collection('orders').insertMany(
      Array.from({ length: 3000 }, (_, i) => ({ _id: i, ref: `R${i}`, customer: `c${i % 50}`, total: i % 100, lines: [{ sku: `s${i % 7}`, qty: (i % 3) + 1 }] })) as Document[],
      W,
    );
    await shop.collection('orders').createIndex({ customer: 1, total: -1 });
    await shop.collection('orders').createIndex({ ref: 1 }, { unique: true });
    await shop.collection('customers').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `c${i}`, email: `c${i}@example.test`, tier: i % 3 })) as Document[], W);
    await shop.collection('customers').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await shop.createCollection('empty', W);
    await shop.collection('empty').createIndex({ a: 1 });
    await dc.db('metrics').createCollection('readings', { timeseries: { timeField: 'ts', metaField: 'sensor', granularity: 'seconds' }, ...W });
    const t0 = Date.UTC(2026, 11, 1);
    await dc
      .db('metrics')
      .collection('readings')
      .insertMany(Array.from({ length: 200 }, (_, i) => ({ ts: new Date(t0 + i * 1000), sensor: `s${i % 4}`, value: i * 0.5 })), W);
    await shop.createCollection('bigOrders', { viewOn: 'orders', pipeline: [{ $match: { total: { $gt: 90 } } }], ...W });

    // The copy: markers first, then orders in three _id ranges with DC changing copied documents in between.
    const start = (await lastPosition(dc))!;
    const { markers, views } = await plan(dc);
    const parts: HandPart[] = [];
    parts.push({ db: 'shop', name: 'orders', docs: await rawDocs(dc, 'shop', 'orders', { _id: { $lt: 1000 } }) });
    await shop.collection('orders').updateOne({ _id: 5 } as Document, { $set: { total: 999, note: 'changed after its part was copied' } }, W);
    await shop.collection('orders').deleteOne({ _id: 7 } as Document, W);
    await shop.collection('orders').insertOne({ _id: 5000, ref: 'R5000', customer: 'c1', total: 1 } as Document, W);
    parts.push({ db: 'shop', name: 'orders', docs: await rawDocs(dc, 'shop', 'orders', { _id: { $gte: 1000, $lt: 2000 } }) });
    parts.push({ db: 'shop', name: 'orders', docs: await rawDocs(dc, 'shop', 'orders', { _id: { $gte: 2000 } }) });
    parts.push({ db: 'shop', name: 'customers', docs: await rawDocs(dc, 'shop', 'customers') });
    parts.push({ db: 'metrics', name: 'readings', docs: await rawDocs(dc, 'metrics', bucketsOf('readings')) });
    await shop.collection('customers').updateOne({ _id: 'c3' } as Document, { $set: { tier: 9 } }, W);
    await shop.collection('orders').updateMany({ _id: { $in: [1500, 2500] } } as Document, { $inc: { total: 1000 } }, W);
    await shop.collection('customers').deleteOne({ _id: 'c4' } as Document, W);
    const oplog = (await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start.ts } }, { raw: true, sort: { $natural: 1 } }).toArray()) as unknown as Uint8Array[];
    bed.built = await writeParted({ markers, parts, views, oplog, startTs: tsToText(start.ts) });
    dirs.push(bed.built.dir);
    bed.dcSnapshot = await snapshot(dc);
    bed.dcIndexes = await indexDefs(dc);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([bed.dc?.close(true), bed.dr?.close(true)]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  beforeEach(async () => {
    bed.staging = await mkdtemp(join(tmpdir(), 'drdesk-staging-'));
    dirs.push(bed.staging);
    // What DR held before: a baseline replaces it.
    await bed.dr.db('old').collection('stale').replaceOne({ _id: 'before' } as Document, { was: 'there' }, { upsert: true, ...W });
  });
  return bed;
}

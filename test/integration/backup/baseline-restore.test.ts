import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { ArchiveWriter, fileSha256 } from '../../../src/main/backup/archive';
import { restoreBaselineArchive, restorePartedBaseline, type BaselinePart, type PartAccess } from '../../../src/main/backup/baseline/restore';
import { landedPartsProblem, stagedPartAccess, type PartFiles } from '../../../src/main/backup/baseline/restore-fetch';
import { bucketsOf } from '../../../src/main/backup/baseline/names';
import { MANIFEST_FORMAT, manifestSha256, type Manifest } from '../../../src/main/backup/manifest';
import { ApplyStage } from '../../../src/main/backup/apply-stage';
import type { BackupStore, ChainRow, SliceRow } from '../../../src/main/backup/backup-store';
import type { BackupLog } from '../../../src/main/backup/backup-log';
import type { Landing } from '../../../src/main/backup/landing';
import type { PipelineDeps } from '../../../src/main/backup/pipeline';
import type { BackupRoute } from '../../../src/main/connectors/mongo-endpoints';
import { ProgressTracker } from '../../../src/main/backup/progress';
import { lastPosition, serverVersion } from '../../../src/main/connectors/mongo-endpoints';
import { tsToText } from '../../../src/main/connectors/oplog-ts';
import { fenceOp, installDataFence } from '../../../src/main/control/data-fence';
import { NON_USER_DATABASES } from '../../../src/main/control/names';
import { DeskError } from '../../../src/shared/errors';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { setUri, withSandbox } from '../sandbox/helpers';
import { snapshot } from './harness';

/**
 * The restore side of a baseline in parts, on the sandbox through the driver: parted baselines are built by
 * hand from DC (a collection split into three parts by _id ranges, a time-series collection as buckets, a
 * view, secondary and unique indexes, and an oplog section that changes documents already copied), restored
 * on DR, and DR is compared with DC document by document and index by index.
 */
const W = { writeConcern: { w: 'majority' as const } };
const CHAIN = 'chain-parted';

interface Built {
  dir: string;
  head: string;
  parts: BaselinePart[];
  manifest: Manifest;
}

interface HandPart {
  db: string;
  name: string;
  docs: Array<Buffer | Uint8Array>;
}

interface HandBaseline {
  markers: Document[];
  parts: HandPart[];
  views: Document[];
  oplog: Array<Buffer | Uint8Array>;
  startTs: string;
}

async function writeArchive(path: string, docs: Array<Buffer | Uint8Array>) {
  const w = new ArchiveWriter(path, 1);
  for (const d of docs) await w.write(d);
  return w.finish();
}

/** Writes the part files and the head archive in the shared format (parts first, head last) and its manifest. */
async function writeParted(b: HandBaseline): Promise<Built> {
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
async function plan(dc: MongoClient): Promise<{ markers: Document[]; views: Document[] }> {
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

async function rawDocs(dc: MongoClient, db: string, coll: string, filter: Document = {}): Promise<Uint8Array[]> {
  return (await dc.db(db).collection(coll).find(filter, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Uint8Array[];
}

/** Every index of every user collection: name, key and the options that matter, in name order. */
async function indexDefs(client: MongoClient): Promise<Record<string, Document[]>> {
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
function dirFiles(dir: string, tamper?: (name: string, path: string) => Promise<void>): PartFiles & { fetched: string[] } {
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

function refuse(code: string, message: string): never {
  throw new DeskError(code, message);
}

describe('restoring a baseline in parts', () => {
  let sandbox: Sandbox;
  let dc: MongoClient;
  let dr: MongoClient;
  let built: Built;
  let dcSnapshot: Map<string, string[]>;
  let dcIndexes: Record<string, Document[]>;
  let staging: string;
  const dirs: string[] = [];

  withSandbox({ fast: true }, (sb) => (sandbox = sb));

  beforeAll(async () => {
    dc = new MongoClient(setUri(sandbox, 'DC'), { serverSelectionTimeoutMS: 20_000 });
    dr = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    await Promise.all([dc.connect(), dr.connect()]);
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
    built = await writeParted({ markers, parts, views, oplog, startTs: tsToText(start.ts) });
    dirs.push(built.dir);
    dcSnapshot = await snapshot(dc);
    dcIndexes = await indexDefs(dc);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([dc?.close(true), dr?.close(true)]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  beforeEach(async () => {
    staging = await mkdtemp(join(tmpdir(), 'drdesk-staging-'));
    dirs.push(staging);
    // What DR held before: a baseline replaces it.
    await dr.db('old').collection('stale').replaceOne({ _id: 'before' } as Document, { was: 'there' }, { upsert: true, ...W });
  });

  const progressOf = (events: BackupProgress[]) => new ProgressTracker({ cycleId: 1, kind: 'baseline' }, (p) => events.push(p), 0);

  async function restore(b: Built, opts: { concurrency?: number; files?: PartFiles; batchDocs?: number; onBatch?: (p: BaselinePart, n: number) => Promise<void>; fenceOp?: () => Document } = {}) {
    const events: BackupProgress[] = [];
    const files = opts.files ?? dirFiles(b.dir);
    const inner = stagedPartAccess(files, staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    let open = 0;
    let maxOpen = 0;
    const access: PartAccess = {
      open: async (p, s) => {
        const path = await inner.open(p, s);
        maxOpen = Math.max(maxOpen, ++open);
        return path;
      },
      release: async (p, path) => {
        open--;
        await inner.release(p, path);
      },
    };
    const out = await restorePartedBaseline(dr, b.head, b.manifest, { progress: progressOf(events), fenceOp: opts.fenceOp }, { parts: b.parts, access, concurrency: opts.concurrency, batchDocs: opts.batchDocs ?? 250, onBatch: opts.onBatch });
    return { out, events, maxOpen };
  }

  it('a parted baseline (pool 4) leaves DR equal to DC: every document, every index, the view, the time-series collection', async () => {
    const { out, events, maxOpen } = await restore(built, { concurrency: 4 });
    expect(await snapshot(dr)).toEqual(dcSnapshot);
    expect(await indexDefs(dr)).toEqual(dcIndexes);
    expect(dcIndexes['shop.orders'].map((i) => i.name)).toEqual(['_id_', 'customer_1_total_-1', 'ref_1']);
    expect((await dr.db('shop').listCollections({ name: 'bigOrders' }).toArray())[0]?.type).toBe('view');
    expect((await dr.db('metrics').listCollections({ name: 'readings' }).toArray())[0]?.type).toBe('timeseries');
    expect(await dr.db('shop').collection('orders').findOne({ _id: 5 } as Document)).toMatchObject({ total: 999 });
    expect(await dr.db('shop').collection('orders').findOne({ _id: 7 } as Document)).toBeNull();
    expect(await dr.db('old').listCollections().toArray()).toEqual([]);
    expect(out.applied).toBeGreaterThanOrEqual(3050);
    expect(maxOpen).toBeGreaterThan(1);
    expect(maxOpen).toBeLessThanOrEqual(4);
    // Staging holds nothing once the parts are restored.
    for (const p of built.parts) expect(existsSync(join(staging, p.archive))).toBe(false);
    const partEvents = events.filter((e) => e.message.startsWith('Restoring parts on DR'));
    expect(partEvents.length).toBeGreaterThan(5);
    const last = partEvents[partEvents.length - 1];
    expect(last.message).toContain(`${built.parts.length} of ${built.parts.length} done`);
    expect(last.bytes).toEqual({ done: built.parts.reduce((n, p) => n + p.rawBytes, 0), total: built.parts.reduce((n, p) => n + p.rawBytes, 0) });
    expect(partEvents.some((e) => /#\d+ shop\.orders \d+%/.test(e.message))).toBe(true);
  }, 120_000);

  it('pool 1 gives the same DR as pool 4', async () => {
    const { maxOpen } = await restore(built, { concurrency: 1 });
    expect(maxOpen).toBe(1);
    expect(await snapshot(dr)).toEqual(dcSnapshot);
    expect(await indexDefs(dr)).toEqual(dcIndexes);
  }, 120_000);

  it('an old baseline in one archive restores as before', async () => {
    const { markers, views } = await plan(dc);
    const docs: Array<Buffer | Uint8Array> = [];
    for (const m of markers) {
      docs.push(serialize(m));
      docs.push(...(await rawDocs(dc, String(m.db), m.timeseries ? bucketsOf(String(m.name)) : String(m.name))));
    }
    for (const v of views) docs.push(serialize(v));
    docs.push(serialize({ _drdesk: 'oplog' }));
    const dir = await mkdtemp(join(tmpdir(), 'drdesk-one-'));
    dirs.push(dir);
    const path = join(dir, `${CHAIN}-000000.bson.gz`);
    const sum = await writeArchive(path, docs);
    const m: Manifest = { ...built.manifest, bytes: sum.bytes, rawBytes: sum.rawBytes, sha256: sum.sha256, count: sum.documents };
    const out = await restoreBaselineArchive(dr, path, m, { progress: progressOf([]) });
    expect(out.applied).toBe(sum.documents);
    expect(await snapshot(dr)).toEqual(dcSnapshot);
    expect(await indexDefs(dr)).toEqual(dcIndexes);
  }, 120_000);

  it('a part whose sha256 at the landing is not the manifest one is refused before anything is fetched or written', async () => {
    const files = dirFiles(built.dir);
    const victim = built.parts[1];
    const original = await readFile(join(built.dir, victim.archive));
    const damaged = Buffer.from(original);
    damaged[damaged.length - 10] ^= 0xff;
    await writeFile(join(built.dir, victim.archive), damaged);
    try {
      const problem = await landedPartsProblem(files, built.parts, { label: 'test landing', seq: 0, target: 'DR' });
      expect(problem?.code).toBe('PART_CHECKSUM_MISMATCH');
      expect(problem?.message).toContain(victim.archive);
      expect(files.fetched).toEqual([]);
      expect(await dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(join(built.dir, victim.archive), original);
    }
    expect(await landedPartsProblem(files, built.parts, { label: 'test landing', seq: 0, target: 'DR' })).toBeNull();
  });

  it('a missing part is refused before anything is written', async () => {
    const victim = built.parts[2];
    const saved = await readFile(join(built.dir, victim.archive));
    await rm(join(built.dir, victim.archive));
    try {
      const problem = await landedPartsProblem(dirFiles(built.dir), built.parts, { label: 'test landing', seq: 0, target: 'DR' });
      expect(problem?.code).toBe('PART_MISSING_REMOTE');
      expect(problem?.message).toContain(`Part ${victim.index}`);
      expect(await dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(join(built.dir, victim.archive), saved);
    }
  });

  it('a part damaged on its way to staging stops the restore: none of its documents reach DR, nothing after it either', async () => {
    const victim = built.parts[3];
    const files = dirFiles(built.dir, async (name, local) => {
      if (name !== victim.archive) return;
      const b = await readFile(local);
      b[20] ^= 0xff;
      await writeFile(local, b);
    });
    const err = await restore(built, { concurrency: 1, files }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('PART_CHECKSUM_MISMATCH');
    expect(await dr.db('shop').collection('customers').countDocuments()).toBe(0);
    expect(await dr.db('metrics').collection(bucketsOf('readings')).countDocuments()).toBe(0);
    expect(await dr.db('shop').listCollections({ name: 'bigOrders' }).toArray()).toEqual([]);
    expect(existsSync(join(staging, victim.archive))).toBe(false);
  }, 60_000);

  async function uniqueBreaking(): Promise<Built> {
    const marker = { _drdesk: 'collection', db: 'uniq', name: 'users', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }, { v: 2, key: { email: 1 }, name: 'email_1', unique: true }], timeseries: false };
    const docs = [1, 2, 3].map((i) => serialize({ _id: i, email: i === 2 ? 'b@x' : 'a@x' }));
    const later = serialize({ op: 'i', ns: 'uniq.users', o: { _id: 99, email: 'late@x' }, ts: (await lastPosition(dc))!.ts, t: 1, v: 2, wall: new Date() });
    const b = await writeParted({ markers: [marker], parts: [{ db: 'uniq', name: 'users', docs }], views: [], oplog: [later], startTs: built.manifest.fromTs });
    dirs.push(b.dir);
    return b;
  }

  it('data that break a unique index: a coded refusal, the index is not half-built, the oplog is not replayed', async () => {
    const err = await restore(await uniqueBreaking()).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_UNIQUE_VIOLATION');
    expect((err as DeskError).message).toContain('uniq.users');
    expect((await dr.db('uniq').collection('users').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await dr.db('uniq').collection('users').findOne({ _id: 99 } as Document)).toBeNull();
  }, 60_000);

  it('parts that overlap (the same _id twice) are a coded refusal, not a silent merge', async () => {
    const marker = { _drdesk: 'collection', db: 'dup', name: 'c', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], timeseries: false };
    const b = await writeParted({
      markers: [marker],
      parts: [
        { db: 'dup', name: 'c', docs: [1, 2, 3].map((i) => serialize({ _id: i })) },
        { db: 'dup', name: 'c', docs: [3, 4].map((i) => serialize({ _id: i })) },
      ],
      views: [],
      oplog: [],
      startTs: built.manifest.fromTs,
    });
    dirs.push(b.dir);
    const err = await restore(b).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_COUNT_MISMATCH');
  });

  it('a head that names a collection the parts do not match is refused before DR is cleared', async () => {
    const b: Built = { ...built, parts: built.parts.map((p, i) => (i === 0 ? { ...p, name: 'nosuch' } : p)) };
    const err = await restore(b).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_PARTS_INVALID');
    expect(await dr.db('old').collection('stale').countDocuments()).toBe(1);
  });

  it('batches stay within their count and byte bounds, a document larger than the byte bound goes alone', async () => {
    const marker = { _drdesk: 'collection', db: 'big', name: 'blobs', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], timeseries: false };
    const pad = (n: number) => 'x'.repeat(n);
    const docs = [...Array.from({ length: 40 }, (_, i) => serialize({ _id: i, pad: pad(100_000) })), serialize({ _id: 'huge', pad: pad(3_000_000) }), ...Array.from({ length: 30 }, (_, i) => serialize({ _id: 100 + i, pad: pad(10) }))];
    const b = await writeParted({ markers: [marker], parts: [{ db: 'big', name: 'blobs', docs }], views: [], oplog: [], startTs: built.manifest.fromTs });
    dirs.push(b.dir);
    const batches: number[] = [];
    let prev = 0;
    const events: BackupProgress[] = [];
    const access = stagedPartAccess(dirFiles(b.dir), staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    await restorePartedBaseline(dr, b.head, b.manifest, { progress: progressOf(events) }, {
      parts: b.parts,
      access,
      batchDocs: 25,
      batchBytes: 1024 * 1024,
      onBatch: (_p, done) => {
        batches.push(done - prev);
        prev = done;
      },
    });
    // 100 kB documents: 10 fit in 1 MiB; the 3 MB one alone; the small ones 25 at a time.
    expect(batches).toEqual([10, 10, 10, 10, 1, 25, 5]);
    expect(await dr.db('big').collection('blobs').countDocuments()).toBe(71);
  }, 60_000);

  it('a stopped cycle stops every part at its next batch: no batch is sent after the abort', async () => {
    const ac = new AbortController();
    let after = 0;
    const access = stagedPartAccess(dirFiles(built.dir), staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    const err = await restorePartedBaseline(dr, built.head, built.manifest, { progress: progressOf([]), signal: ac.signal }, {
      parts: built.parts,
      access,
      concurrency: 4,
      batchDocs: 100,
      onBatch: () => {
        if (ac.signal.aborted) after++;
        else ac.abort(new DeskError('CYCLE_ABORTED', 'The backup cycle was stopped.'));
      },
    }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('CYCLE_ABORTED');
    // Parts already sending when the abort came may finish that one batch; none sends another.
    expect(after).toBeLessThan(4);
    const orders = await dr.db('shop').collection('orders').countDocuments();
    expect(orders).toBeLessThanOrEqual(4 * 100);
    for (const p of built.parts) expect(existsSync(join(staging, p.archive))).toBe(false);
  }, 60_000);

  it('a restore whose lease is taken over mid-way writes nothing after the take-over', async () => {
    const pipeline = 'DC>DR';
    await installDataFence(dr, pipeline, 1);
    let atTakeOver: Map<string, string[]> | null = null;
    let batches = 0;
    const err = await restore(built, {
      concurrency: 4,
      batchDocs: 100,
      fenceOp: () => fenceOp(pipeline, 1),
      onBatch: async () => {
        if (++batches !== 3) return;
        // Another workstation acquires term 2: its fence replaces term 1's.
        await installDataFence(dr, pipeline, 2);
        atTakeOver = await snapshot(dr);
      },
    }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('LEASE_LOST');
    expect(atTakeOver).not.toBeNull();
    const after = await snapshot(dr);
    expect(after).toEqual(atTakeOver);
    const orders = after.get('shop.orders') ?? [];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBeLessThan(3000);
    expect((await dr.db('shop').collection('orders').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await dr.db('shop').listCollections({ name: 'bigOrders' }).toArray()).toEqual([]);
  }, 120_000);

  /**
   * The apply stage around the restore: the store is a recorder of the calls the stage makes (the slice's
   * manifest with `parts` cannot go through the SQLite store until manifest.ts knows the field), the
   * landing serves the built files from their directory.
   */
  async function stageApply(b: Built, files: PartFiles & { fetched: string[] }) {
    const calls: Array<[string, ...unknown[]]> = [];
    const m = { ...b.manifest, dcVersion: await serverVersion(dr), parts: b.parts } as Manifest;
    const row: SliceRow = { chainId: m.chainId, seq: 0, manifest: m, manifestSha: manifestSha256(m), state: 'verified', problem: null, shippedAt: null, verifiedAt: null, appliedAt: null, shipAttempts: 0, applyCount: 0, safety: null, applyTs: null, localDeleted: false, remoteDeleted: false };
    const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args]);
    const store = {
      setProblem: record('setProblem'),
      setSafetyPoint: record('setSafetyPoint'),
      setApplyProgress: record('setApplyProgress'),
      markApplied: record('markApplied'),
      activateChain: record('activateChain'),
      countCycle: record('countCycle'),
      breakChain: record('breakChain'),
      slice: () => row,
    } as unknown as BackupStore;
    const landing = {
      kind: 'local',
      dir: b.dir,
      label: 'test landing',
      remoteManifest: async () => m,
      fetch: async (_m: Manifest, local: string) => copyFile(b.head, local),
      remove: record('landing.remove'),
      ...files,
    } as unknown as Landing;
    const deps = { store, log: { write: () => undefined } as unknown as BackupLog, options: {} } as unknown as PipelineDeps;
    const route = { from: { name: 'DC' }, to: { name: 'DR' } } as unknown as BackupRoute;
    const stage = new ApplyStage(deps, route, staging, (fn) => fn(dr), { restoreConcurrency: 2 });
    const chain = { chainId: m.chainId, appliedSeq: null } as unknown as ChainRow;
    const err = await stage.apply({ cycleId: 1, progress: progressOf([]) }, landing, { chain, slices: [row] }).then(
      () => null,
      (e: unknown) => e as DeskError,
    );
    return { err, calls };
  }

  it('the apply stage restores a parted baseline and records it applied; staging is empty afterwards', async () => {
    const files = dirFiles(built.dir);
    const { err, calls } = await stageApply(built, files);
    expect(err).toBeNull();
    // The oplog replay records its position as it goes (setApplyProgress), then the slice is applied.
    expect(calls.map((c) => c[0]).filter((n) => n !== 'setApplyProgress')).toEqual(['setSafetyPoint', 'markApplied', 'activateChain', 'countCycle']);
    expect(files.fetched.sort()).toEqual(built.parts.map((p) => p.archive).sort());
    expect(await snapshot(dr)).toEqual(dcSnapshot);
    for (const p of built.parts) expect(existsSync(join(staging, p.archive))).toBe(false);
  }, 120_000);

  it.each([
    ['damaged', 'PART_CHECKSUM_MISMATCH'],
    ['missing', 'PART_MISSING_REMOTE'],
  ])('the apply stage: a %s part at the landing ships the slice again, before any write on DR', async (what, code) => {
    const victim = built.parts[2];
    const path = join(built.dir, victim.archive);
    const saved = await readFile(path);
    if (what === 'missing') await rm(path);
    else await writeFile(path, Buffer.concat([saved, Buffer.from('tail')]));
    try {
      const files = dirFiles(built.dir);
      const before = await lastPosition(dr);
      const { err, calls } = await stageApply(built, files);
      expect(err?.code).toBe(code);
      expect(calls).toEqual([['setProblem', CHAIN, 0, code, err?.message, true]]);
      expect(files.fetched).toEqual([]);
      // Not one write on DR: its newest oplog entry is the one from before, the old data stay.
      expect((await lastPosition(dr))?.ts.toString()).toBe(before?.ts.toString());
      expect(await dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(path, saved);
    }
  }, 60_000);

  it('the apply stage: data that break a unique index are recorded as the slice problem, not shipped again, not applied', async () => {
    const b = await uniqueBreaking();
    const { err, calls } = await stageApply(b, dirFiles(b.dir));
    expect(err?.code).toBe('BASELINE_UNIQUE_VIOLATION');
    const names = calls.map((c) => c[0]);
    expect(names).not.toContain('markApplied');
    expect(names).not.toContain('activateChain');
    expect(calls.find((c) => c[0] === 'setProblem')).toEqual(['setProblem', CHAIN, 0, 'BASELINE_UNIQUE_VIOLATION', err?.message, false]);
  }, 60_000);
});

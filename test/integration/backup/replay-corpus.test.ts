import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON, serialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIncrementArchive } from '../../../src/main/backup/apply';
import { ArchiveWriter } from '../../../src/main/backup/archive';
import type { Manifest } from '../../../src/main/backup/manifest';
import { ProgressTracker } from '../../../src/main/backup/progress';
import { NON_USER_DATABASES } from '../../../src/main/control/names';
import { tsToText } from '../../../src/main/connectors/oplog-ts';
import { sshdSkipReason } from '../../helpers/sshd';
import { startBed, type Bed } from './harness';

/**
 * The replay against the sandbox: DC is driven through the driver with real commands of every kind the
 * sandbox supports, so DC's own oplog holds the real shapes (ui on every entry, two-phase index builds,
 * transactions); a baseline and slices go capture → archive → ship → apply; DR is then compared with DC
 * document by document, index by index, view by view. Kinds the sandbox cannot write (prepared
 * transactions) come from the fixture corpus as a slice archive applied to DR.
 */
type Doc = { _id?: number | string; qty?: number; tags?: string[]; [k: string]: unknown };
const skip = sshdSkipReason;

/** One site's user data as comparable text: documents, indexes, views, time-series options. */
async function picture(client: MongoClient): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name: dbName } of databases) {
    if (NON_USER_DATABASES.has(dbName)) continue;
    const db = client.db(dbName);
    for (const info of await db.listCollections({}, { nameOnly: false }).toArray()) {
      const ns = `${dbName}.${info.name}`;
      const options = ('options' in info ? info.options : {}) as Document;
      if (info.type === 'view') {
        out[`view ${ns}`] = EJSON.stringify({ viewOn: options.viewOn, pipeline: options.pipeline }, { relaxed: false });
        continue;
      }
      const data = info.type === 'timeseries' ? db.collection(`system.buckets.${info.name}`) : db.collection(info.name);
      if (info.name.startsWith('system.')) continue;
      out[`options ${ns}`] = EJSON.stringify({ capped: options.capped ?? false, size: options.size, timeseries: options.timeseries, validator: options.validator }, { relaxed: false });
      out[`docs ${ns}`] = (await data.find({}, { sort: { _id: 1 } }).toArray()).map((d) => EJSON.stringify(d, { relaxed: false }));
      out[`indexes ${ns}`] = (await db.collection(info.name).indexes())
        .map((ix) => EJSON.stringify({ name: ix.name, key: ix.key, unique: ix.unique ?? false, expireAfterSeconds: ix.expireAfterSeconds, sparse: ix.sparse ?? false }, { relaxed: false }))
        .sort();
    }
  }
  return out;
}

async function expectSame(bed: Bed): Promise<void> {
  const [dc, dr] = await Promise.all([picture(bed.dc), picture(bed.dr)]);
  expect(Object.keys(dr).sort()).toEqual(Object.keys(dc).sort());
  for (const [k, v] of Object.entries(dc)) expect(dr[k], k).toEqual(v);
}

async function cycle(bed: Bed): Promise<void> {
  const r = await bed.service.run('cycle', 'manual', true);
  expect(r.error).toBeNull();
  expect(r.state).toBe('ok');
}

describe.skipIf(skip !== null)(`replay corpus: DC's real oplog shapes through capture → archive → apply${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed();
    // The operator confirms the landing host's key once, as `drdesk backup trust-host` does.
    bed.service.trustHostKey(`${bed.sshd.host}:${bed.sshd.port}`, bed.sshd.hostKeyFingerprint());
    const shop = bed.dc.db('shop');
    await shop.collection<Doc>('orders').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, sku: `S-${i}`, qty: i % 7, status: 'new' })));
    await shop.collection<Doc>('orders').createIndex({ sku: 1 }, { unique: true, name: 'sku_1' });
    await shop.collection<Doc>('customers').insertOne({ _id: 'c1', name: 'Ada' });
    const base = await bed.service.run('baseline', 'manual', true);
    expect(base.error).toBeNull();
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
  });

  it('the baseline copies collections, documents and indexes', async () => {
    await expectSame(bed);
  });

  it('retryable inserts, $v:2 updates and deletes replay with DR equal to DC', async () => {
    const orders = bed.dc.db('shop').collection<Doc>('orders');
    await orders.insertOne({ _id: 100, sku: 'R-100', qty: 1, status: 'new' });
    await orders.updateOne({ _id: 1 }, { $set: { status: 'paid', paidAt: new Date('2026-12-03T00:00:00Z') }, $inc: { qty: 1 } } as Document);
    await orders.updateMany({ qty: 0 }, { $unset: { status: '' } });
    await orders.replaceOne({ _id: 2 }, { sku: 'S-2', qty: 9 });
    await orders.deleteOne({ _id: 3 });
    await orders.findOneAndUpdate({ _id: 4 }, { $push: { tags: 'gift' } } as Document);
    await cycle(bed);
    await expectSame(bed);
  });

  it('DDL replays one command at a time: two-phase index build, collMod TTL, dropIndexes, rename, convertToCapped, drop, dropDatabase', async () => {
    const shop = bed.dc.db('shop');
    await shop.collection<Doc>('orders').createIndex({ paidAt: 1 }, { name: 'paidAt_1', expireAfterSeconds: 86400 });
    await shop.collection<Doc>('orders').createIndex({ status: 1 }, { name: 'status_1' });
    await shop.command({ collMod: 'orders', index: { name: 'paidAt_1', expireAfterSeconds: 3600 } });
    await shop.collection<Doc>('orders').dropIndex('status_1');
    await shop.collection<Doc>('archive').insertMany([{ _id: 1, note: 'old' }, { _id: 2, note: 'older' }]);
    await bed.dc.db('admin').command({ renameCollection: 'shop.archive', to: 'shop.archive2024' });
    await bed.dc.db('scratch').collection<Doc>('tmp').insertOne({ _id: 1 });
    await bed.dc.db('scratch').collection<Doc>('tmp').drop();
    await bed.dc.db('scratch2').collection<Doc>('gone').insertOne({ _id: 1 });
    await bed.dc.db('scratch2').dropDatabase();
    await cycle(bed);
    await expectSame(bed);
    await shop.collection<Doc>('events').insertOne({ _id: 1, kind: 'login' });
    await shop.command({ convertToCapped: 'events', size: 1 << 20 });
    await cycle(bed);
    await expectSame(bed);
  });

  it('transactions replay at their commit: a small one, a large one (partialTxn chain), an aborted one', async () => {
    const orders = bed.dc.db('shop').collection<Doc>('orders');
    const session = bed.dc.startSession();
    try {
      await session.withTransaction(async () => {
        await orders.insertOne({ _id: 200, sku: 'T-200', qty: 1 }, { session });
        await orders.updateOne({ _id: 5 }, { $set: { status: 'txn' } }, { session });
      });
      const big = 'x'.repeat(1024 * 1024);
      await session.withTransaction(async () => {
        for (let i = 0; i < 20; i++) await orders.insertOne({ _id: 300 + i, sku: `L-${i}`, qty: i, blob: big }, { session });
      });
      session.startTransaction();
      await orders.insertOne({ _id: 400, sku: 'A-400', qty: 1 }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    const oplog = bed.dc.db('local').collection<Doc>('oplog.rs');
    expect(await oplog.countDocuments({ op: 'c', ns: 'admin.$cmd', 'o.applyOps': { $exists: true }, lsid: { $exists: true } })).toBeGreaterThanOrEqual(2);
    expect(await oplog.countDocuments({ 'o.partialTxn': true })).toBeGreaterThan(0);
    await cycle(bed);
    await expectSame(bed);
    expect(await bed.dr.db('shop').collection<Doc>('orders').countDocuments({ _id: 400 })).toBe(0);
  });

  it('views and time-series created on DC replay as views and time-series, and a new baseline carries them', async () => {
    const shop = bed.dc.db('shop');
    await shop.createCollection('paidOrders', { viewOn: 'orders', pipeline: [{ $match: { status: 'paid' } }] });
    const metrics = bed.dc.db('metrics');
    await metrics.createCollection('weather', { timeseries: { timeField: 't', metaField: 'meta', granularity: 'seconds' } });
    await metrics.collection<Doc>('weather').insertMany([
      { t: new Date('2026-12-03T00:00:00Z'), meta: { station: 'north' }, temp: 11.5 },
      { t: new Date('2026-12-03T00:00:10Z'), meta: { station: 'north' }, temp: 12 },
    ]);
    const kinds = async (c: MongoClient) => ({
      paidOrders: (await c.db('shop').listCollections({ name: 'paidOrders' }).toArray())[0]?.type,
      weather: (await c.db('metrics').listCollections({ name: 'weather' }).toArray())[0]?.type,
    });
    expect(await kinds(bed.dc)).toEqual({ paidOrders: 'view', weather: 'timeseries' });
    await cycle(bed);
    await expectSame(bed);
    expect(await kinds(bed.dr)).toEqual({ paidOrders: 'view', weather: 'timeseries' });
    const base = await bed.service.run('baseline', 'manual', true);
    expect(base.error).toBeNull();
    await expectSame(bed);
    expect(await kinds(bed.dr)).toEqual({ paidOrders: 'view', weather: 'timeseries' });
    expect(await bed.dr.db('shop').collection<Doc>('paidOrders').countDocuments()).toBe(await bed.dc.db('shop').collection<Doc>('paidOrders').countDocuments());
  });

  it("DC's oplog carries ui on every CRUD entry, and the two sites' collections have different UUIDs", async () => {
    const crud = await bed.dc.db('local').collection<Doc>('oplog.rs').find({ op: { $in: ['i', 'u', 'd'] }, ns: /^shop\./ }).toArray();
    expect(crud.length).toBeGreaterThan(0);
    for (const e of crud) expect(e.ui, `${String(e.ns)} ${String(e.op)}`).toBeDefined();
    const uuid = async (c: MongoClient) => {
      const [info] = await c.db('shop').listCollections({ name: 'orders' }).toArray();
      return String((info as { info?: { uuid?: unknown } }).info?.uuid);
    };
    const [dcU, drU] = await Promise.all([uuid(bed.dc), uuid(bed.dr)]);
    expect(dcU).not.toBe('undefined');
    expect(drU).not.toBe(dcU);
  });

  it('fixture path: prepared transactions (committed and aborted) and the other transaction shapes, as a slice applied to DR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drdesk-replay-fixture-'));
    try {
      const files = ['01-crud.json', '04-txn-applyops.json', '05-txn-partial.json', '06-txn-prepared-commit.json', '07-txn-prepared-abort.json'];
      const entries: Document[] = files.flatMap((f) => {
        // The corpus' own database is renamed so it cannot meet the live collections above.
        const text = readFileSync(join(__dirname, '../../fixtures/oplog', f), 'utf8').replaceAll('"shop.', '"corpus.');
        return (EJSON.parse(text, { relaxed: false }) as { entries: Document[] }).entries;
      });
      const path = join(dir, 'slice.bson.gz');
      const w = new ArchiveWriter(path);
      for (const e of entries) await w.write(serialize(e));
      await w.finish();
      const positions: string[] = [];
      const progress = new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined);
      await applyIncrementArchive(bed.dr, path, { count: entries.length } as Manifest, { progress, onBatchApplied: async (ts) => void positions.push(ts) });
      const docs = await bed.dr.db('corpus').collection<Doc>('orders').find({}, { sort: { _id: 1 } }).toArray();
      const byId = Object.fromEntries(docs.map((d) => [String(d._id), d]));
      expect(Object.keys(byId).sort()).toEqual(['65f000000000000000000001', '65f000000000000000000004', '65f000000000000000000005', '65f000000000000000000006', '65f000000000000000000007']);
      expect(byId['65f000000000000000000001']).toMatchObject({ sku: 'A-1', status: 'txn', qty: 2 });
      expect(byId['65f000000000000000000006']).toMatchObject({ sku: 'P-2', qty: 7 });
      expect(positions.at(-1)).toBe(tsToText(entries.at(-1)!.ts));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

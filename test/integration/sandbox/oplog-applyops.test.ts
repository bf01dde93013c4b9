import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EJSON } from 'bson';
import { Binary, Decimal128, Double, Int32, Long, MongoClient, ObjectId, Timestamp, type Document } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { OplogReplayer } from '../../../src/main/backup/replay/oplog-replayer';
import { setUri, withClient, type AnyDoc } from './helpers';

/** The incidents' shape as far as the updates below need it. */
type Incident = { _id: string; status?: string; count?: number; tags?: string[]; none?: null; nested?: Document };

/** Exact types survive only when the driver does not promote values to JS numbers. */
const EXACT = { promoteValues: false, promoteLongs: false } as const;

async function dump(c: MongoClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { databases } = await c.db('admin').command({ listDatabases: 1, nameOnly: true });
  for (const { name } of databases as Array<{ name: string }>) {
    if (['admin', 'config', 'local'].includes(name)) continue;
    for (const coll of await c.db(name).listCollections().toArray()) {
      const docs = await c.db(name).collection(coll.name).find({}, EXACT).sort({ _id: 1 }).toArray();
      const indexes = (await c.db(name).collection(coll.name).listIndexes().toArray()).map((i) => i.name).sort();
      out[`${name}.${coll.name}`] = EJSON.stringify({ docs, indexes }, { relaxed: false });
    }
  }
  return out;
}

describe('oplog reads and applyOps (DC → DR the way mongorestore --oplogReplay does)', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  let dr: MongoClient;
  let start: Timestamp;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    dc = new MongoClient(setUri(sb, 'DC'));
    dr = new MongoClient(setUri(sb, 'DR'));
    await Promise.all([dc.connect(), dr.connect()]);
    const [last] = await dc.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
    start = last.ts as Timestamp;

    const soar = dc.db('soar');
    await soar.collection('incidents').createIndex({ status: 1 }, { name: 'status_1' });
    await soar.collection<AnyDoc>('incidents').insertMany([
      { _id: 'INC-1', status: 'open', count: new Int32(1), big: Long.fromString('9007199254740993'), ratio: new Double(1), amount: Decimal128.fromString('12.50'), tags: ['a'], at: new Date(1_700_000_000_000), blob: new Binary(Buffer.from('xyz')), ref: new ObjectId('65a1b2c3d4e5f60718293a4b'), none: null, nested: { a: { b: 1 } } },
      { _id: 'INC-2', status: 'open', count: new Int32(5) },
      { _id: 'INC-3', status: 'closed' },
    ]);
    await soar.collection<Incident>('incidents').updateOne({ _id: 'INC-1' }, { $set: { status: 'ack', 'nested.a.c': 2 }, $inc: { count: 2 }, $push: { tags: 'b' }, $unset: { none: '' } });
    await soar.collection<Incident>('incidents').updateMany({ status: 'open' }, { $inc: { count: 10 } });
    await soar.collection<AnyDoc>('incidents').replaceOne({ _id: 'INC-3' }, { status: 'reopened', by: 'ops' });
    await soar.collection<AnyDoc>('incidents').findOneAndUpdate({ _id: 'INC-4' }, { $setOnInsert: { created: true }, $set: { status: 'new' } }, { upsert: true });
    await soar.collection('events').insertMany(Array.from({ length: 150 }, (_, i) => ({ seq: i, kind: i % 3 === 0 ? 'alert' : 'info' })));
    await soar.collection('events').deleteMany({ kind: 'info', seq: { $gt: 100 } });
    await soar.collection('scratch').insertOne({ tmp: 1 });
    await soar.collection('scratch').drop();
    await dc.db('audit').collection('log').insertOne({ who: 'ops', what: 'drill' }, { writeConcern: { w: 'majority' } });
  });
  afterAll(async () => {
    await dc?.close(true);
    await dr?.close(true);
    await sb?.stop();
  });

  it('returns entries after a timestamp in ts order, in the server format', async () => {
    const entries = await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start } }, EXACT).toArray();
    expect(entries.length).toBeGreaterThan(150);
    for (let i = 1; i < entries.length; i++) expect((entries[i].ts as Timestamp).compare(entries[i - 1].ts as Timestamp)).toBe(1);
    const ins = entries.find((e) => e.op === 'i' && e.ns === 'soar.incidents')!;
    expect(Object.keys(ins)).toEqual(expect.arrayContaining(['op', 'ns', 'ui', 'o', 'ts', 't', 'v', 'wall']));
    expect(ins.t).toBeInstanceOf(Long);
    expect(ins.wall).toBeInstanceOf(Date);
    const upd = entries.find((e) => e.op === 'u')!;
    expect(upd.o.$v).toEqual(new Int32(2));
    expect(upd.o2).toEqual({ _id: 'INC-1' });
    expect(entries.some((e) => e.op === 'c' && e.o.create === 'incidents')).toBe(true);
    expect(entries.some((e) => e.op === 'c' && e.o.drop === 'scratch')).toBe(true);
    expect(entries.some((e) => e.op === 'd')).toBe(true);
    const gte = await dc.db('local').collection('oplog.rs').find({ ts: { $gte: entries[5].ts } }).limit(2).toArray();
    expect(gte.map((e) => e.ts.toString())).toEqual([entries[5].ts.toString(), entries[6].ts.toString()]);
  });

  it('the replay (mongorestore --oplogReplay rules) of the DC oplog into the empty DR set reproduces DC exactly, on both DR data members', async () => {
    const entries = await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start } }, EXACT).toArray();
    expect(entries.filter((e) => ['i', 'u', 'd'].includes(e.op as string)).every((e) => e.ui instanceof Binary || e.ui?._bsontype === 'Binary')).toBe(true);
    const replay = new OplogReplayer(dr, { maxBatchEntries: 40 });
    for (const e of entries) await replay.add(e);
    await replay.finish();
    const expected = await dump(dc);
    expect(Object.keys(expected).sort()).toEqual(['audit.log', 'soar.events', 'soar.incidents']);
    expect(await dump(dr)).toEqual(expected);
    await dr.db('soar').collection('events').insertOne({ barrier: true }, { writeConcern: { w: 'majority' } });
    await dr.db('soar').collection('events').deleteOne({ barrier: true }, { writeConcern: { w: 'majority' } });
    await withClient(`${setUri(sb, 'DR')}&readPreference=secondary`, async (c) => {
      expect(await dump(c)).toEqual(expected);
    });
  });

  it('applying the same CRUD entries again changes nothing (idempotent replay)', async () => {
    const ops = (await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start }, op: { $in: ['i', 'u', 'd'] }, ns: { $ne: 'soar.scratch' } }, EXACT).toArray()).map(({ ui: _ui, ...e }: Document) => e);
    await dr.db('admin').command({ applyOps: ops });
    expect(await dump(dr)).toEqual(await dump(dc));
  });

  it('a tailable awaitData cursor on the oplog delivers entries as they are written', async () => {
    const [last] = await dc.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
    const cursor = dc.db('local').collection('oplog.rs').find({ ts: { $gt: last.ts }, ns: 'soar.tailed' }, { tailable: true, awaitData: true, maxAwaitTimeMS: 200 });
    setTimeout(() => void dc.db('soar').collection('tailed').insertOne({ _id: 'live' } as Document), 300);
    const next = await cursor.next();
    expect(next).toMatchObject({ op: 'i', ns: 'soar.tailed', o: { _id: 'live' } });
    await cursor.close();
  });

  it('refuses an unknown op type and stops there, reporting what applied', async () => {
    await dr.db('soar').createCollection('x');
    const err = (await dr.db('admin').command({ applyOps: [{ op: 'i', ns: 'soar.x', o: { _id: 1 } }, { op: 'z', ns: 'soar.x', o: {} }] }).catch((e: unknown) => e)) as { message: string; errorResponse: Document };
    expect(err.message).toMatch(/Enumeration value 'z' for field 'op' is not a valid value/);
    expect(err.errorResponse).toMatchObject({ applied: 2, results: [true, false] });
  });
});

describe('capped oplog window', () => {
  it('rolls over: the oldest entries go once the oplog exceeds its size', async () => {
    const sb = await startSandbox({ fast: true, oplogSizeBytes: 20_000 });
    try {
      await withClient(setUri(sb), async (c) => {
        const col = c.db('soar').collection('events');
        for (let i = 0; i < 10; i++) await col.insertMany(Array.from({ length: 20 }, (_, j) => ({ i, j, pad: 'x'.repeat(40) })));
        const oplog = c.db('local').collection('oplog.rs');
        const [first] = await oplog.find({}).sort({ $natural: 1 }).limit(1).toArray();
        const count = await oplog.countDocuments({});
        expect(count).toBeLessThan(200);
        expect(first.op).toBe('i');
        expect(first.o.i).toBeGreaterThan(0);
        const stats = await c.db('local').command({ collStats: 'oplog.rs' });
        expect(stats.size).toBeLessThanOrEqual(20_000);
        expect(stats.maxSize).toBe(20_000);
      });
    } finally {
      await sb.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, MongoClient, MongoServerError, Timestamp, UUID, type Document } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { setUri } from './helpers';

/** Exact BSON types (UUIDs as UUID, Longs as Long) as the replay reads them. */
const EXACT = { promoteValues: false, promoteLongs: false } as const;

async function refusal(c: MongoClient, cmd: Document): Promise<MongoServerError> {
  const err = await c.db('admin').command(cmd).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof MongoServerError)) throw new Error(`expected a server error for ${JSON.stringify(cmd)}, got ${String(err)}`);
  return err;
}

async function uuidOf(c: MongoClient, db: string, coll: string): Promise<UUID> {
  const [info] = await c.db(db).listCollections({ name: coll }).toArray();
  return (info as Document).info.uuid as UUID;
}

async function oplogSince(c: MongoClient, after: Timestamp, filter: Document = {}): Promise<Document[]> {
  return c.db('local').collection('oplog.rs').find({ ts: { $gt: after }, ...filter }).toArray();
}

async function lastTs(c: MongoClient): Promise<Timestamp> {
  const [last] = await c.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
  return last.ts as Timestamp;
}

describe('sandbox applyOps refuses what mongod refuses, with its codes', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  let dr: MongoClient;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    dc = new MongoClient(setUri(sb, 'DC'));
    dr = new MongoClient(setUri(sb, 'DR'));
    await Promise.all([dc.connect(), dr.connect()]);
    await dc.db('soar').collection('incidents').insertOne({ _id: 'INC-1', status: 'open' } as Document);
    await dr.db('soar').collection('incidents').insertOne({ _id: 'DR-ONLY', status: 'baseline' } as Document, { writeConcern: { w: 'majority' } });
    await dr.db('soar').collection('other').insertOne({ _id: 'x' } as Document);
  });
  afterAll(async () => {
    await dc?.close(true);
    await dr?.close(true);
    await sb?.stop();
  });

  it('each site creates its own UUID; members of one set share it; listCollections shows info.uuid', async () => {
    const dcUuid = await uuidOf(dc, 'soar', 'incidents');
    const drUuid = await uuidOf(dr, 'soar', 'incidents');
    expect(dcUuid).toBeInstanceOf(Binary);
    expect(dcUuid.toString('hex')).not.toBe(drUuid.toString('hex'));
    const dcSecondary = new MongoClient(`${setUri(sb, 'DC')}&readPreference=secondary`);
    try {
      await dc.db('soar').collection('incidents').insertOne({ _id: 'barrier' } as Document, { writeConcern: { w: 'majority' } });
      expect((await uuidOf(dcSecondary, 'soar', 'incidents')).toString('hex')).toBe(dcUuid.toString('hex'));
    } finally {
      await dcSecondary.close(true);
    }
    const [ins] = await dc.db('local').collection('oplog.rs').find({ op: 'i', ns: 'soar.incidents' }, EXACT).limit(1).toArray();
    expect((ins.ui as Binary).toString('hex')).toBe(dcUuid.toString('hex'));
  });

  it('a DC entry whose ui names no DR collection fails as a status: results false, UnknownError, later entries applied', async () => {
    const [dcEntry] = await dc.db('local').collection('oplog.rs').find({ op: 'i', ns: 'soar.incidents', 'o._id': 'INC-1' }, EXACT).toArray();
    const err = await refusal(dr, { applyOps: [dcEntry, { op: 'i', ns: 'soar.incidents', o: { _id: 'AFTER' } }] });
    expect(err.code).toBe(8);
    expect(err.codeName).toBe('UnknownError');
    expect(err.message).toBe('applyOps had one or more errors applying ops');
    expect(err.errorResponse).toMatchObject({ applied: 2, results: [false, true] });
    expect(await dr.db('soar').collection('incidents').findOne({ _id: 'INC-1' } as Document)).toBeNull();
    expect(await dr.db('soar').collection('incidents').findOne({ _id: 'AFTER' } as Document)).not.toBeNull();
  });

  it('a ui naming another DR collection than ns fails the same way, and without ui the entry applies', async () => {
    const otherUuid = await uuidOf(dr, 'soar', 'other');
    const err = await refusal(dr, { applyOps: [{ op: 'i', ns: 'soar.incidents', ui: otherUuid, o: { _id: 'WRONG' } }] });
    expect(err.code).toBe(8);
    expect(err.errorResponse.results).toEqual([false]);
    const res = await dr.db('admin').command({ applyOps: [{ op: 'i', ns: 'soar.incidents', o: { _id: 'STRIPPED' } }] });
    expect(res).toMatchObject({ ok: 1, applied: 1, results: [true] });
  });

  it.each([
    ['createIndexes', { createIndexes: 'incidents', v: 2, key: { status: 1 }, name: 'status_1' }],
    ['startIndexBuild', { startIndexBuild: 'incidents', indexBuildUUID: new UUID(), indexes: [{ v: 2, key: { status: 1 }, name: 'status_1' }] }],
    ['commitIndexBuild', { commitIndexBuild: 'incidents', indexBuildUUID: new UUID(), indexes: [{ v: 2, key: { status: 1 }, name: 'status_1' }] }],
    ['abortIndexBuild', { abortIndexBuild: 'incidents', indexBuildUUID: new UUID(), indexes: [{ v: 2, key: { status: 1 }, name: 'status_1' }] }],
  ])('%s inside applyOps is CommandNotSupported (115) and stops the batch', async (name, o) => {
    const err = await refusal(dr, { applyOps: [{ op: 'c', ns: 'soar.$cmd', o }, { op: 'i', ns: 'soar.incidents', o: { _id: `after-${name}` } }] });
    expect(err.code).toBe(115);
    expect(err.message).toBe(`The ${name} operation is not supported in applyOps mode`);
    expect(err.errorResponse).toMatchObject({ applied: 1, results: [false] });
    expect(await dr.db('soar').collection('incidents').findOne({ _id: `after-${name}` } as Document)).toBeNull();
    const indexes = await dr.db('soar').collection('incidents').listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_']);
  });

  it.each([
    ['a partialTxn chain entry', { applyOps: [{ op: 'i', ns: 'soar.incidents', o: { _id: 'T1' } }], partialTxn: true }, 31056],
    ['the final entry of a large transaction (count)', { applyOps: [{ op: 'i', ns: 'soar.incidents', o: { _id: 'T2' } }], count: 2 }, 31240],
    ['a prepared transaction', { applyOps: [{ op: 'i', ns: 'soar.incidents', o: { _id: 'T3' } }], prepare: true }, 50945],
    ['commitTransaction', { commitTransaction: 1, commitTimestamp: new Timestamp({ t: 1, i: 1 }) }, 50987],
    ['abortTransaction', { abortTransaction: 1 }, 50972],
  ])('a transaction entry (%s) nested in applyOps is refused with %s', async (_what, o, code) => {
    const err = await refusal(dr, { applyOps: [{ op: 'c', ns: 'admin.$cmd', o }] });
    expect(err.code).toBe(code);
    expect(await dr.db('soar').collection('incidents').countDocuments({ _id: { $in: ['T1', 'T2', 'T3'] } } as Document)).toBe(0);
  });

  it('the applyOps command itself refuses prepare (BadValue), partialTxn (31056) and count (31240)', async () => {
    const op = { op: 'i', ns: 'soar.incidents', o: { _id: 'P' } };
    expect((await refusal(dr, { applyOps: [op], prepare: true })).code).toBe(2);
    expect((await refusal(dr, { applyOps: [op], partialTxn: true })).code).toBe(31056);
    expect((await refusal(dr, { applyOps: [op], count: 1 })).code).toBe(31240);
  });

  it('dropDatabase must be alone in its applyOps (6275900); alone it applies', async () => {
    await dr.db('scratch').collection('c').insertOne({ _id: 1 } as Document);
    const err = await refusal(dr, { applyOps: [{ op: 'i', ns: 'scratch.c', o: { _id: 2 } }, { op: 'c', ns: 'scratch.$cmd', o: { dropDatabase: 1 } }] });
    expect(err.code).toBe(6275900);
    expect(await dr.db('scratch').collection('c').countDocuments()).toBe(1);
    await dr.db('admin').command({ applyOps: [{ op: 'c', ns: 'scratch.$cmd', o: { dropDatabase: 1 } }] });
    const { databases } = await dr.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect((databases as Document[]).map((d) => d.name)).not.toContain('scratch');
  });

  it('an insert on a namespace that does not exist stops the batch with NamespaceNotFound and reports what it applied', async () => {
    const err = await refusal(dr, {
      applyOps: [
        { op: 'i', ns: 'soar.incidents', o: { _id: 'P1' } },
        { op: 'i', ns: 'soar.nowhere', o: { _id: 'P2' } },
        { op: 'i', ns: 'soar.incidents', o: { _id: 'P3' } },
      ],
    });
    expect(err.code).toBe(26);
    expect(err.errorResponse).toMatchObject({ applied: 2, results: [true, false] });
    expect(await dr.db('soar').collection('incidents').findOne({ _id: 'P1' } as Document)).not.toBeNull();
    expect(await dr.db('soar').collection('incidents').findOne({ _id: 'P3' } as Document)).toBeNull();
  });

  it('a CRUD-only batch is not atomic (7.0 apply_ops.cpp has no atomic mode): a failed update between two inserts leaves both applied', async () => {
    const err = await refusal(dr, {
      applyOps: [
        { op: 'i', ns: 'soar.incidents', o: { _id: 'NA1' } },
        { op: 'u', ns: 'soar.incidents', o: { $v: 2, diff: { u: { x: 1 } } }, o2: { _id: 'NOT-THERE' } },
        { op: 'i', ns: 'soar.incidents', o: { _id: 'NA2' } },
      ],
    });
    expect(err.code).toBe(8);
    expect(err.message).toBe('applyOps had one or more errors applying ops');
    expect(err.errorResponse).toMatchObject({ applied: 3, results: [true, false, true] });
    const got = await dr.db('soar').collection('incidents').find({ _id: { $in: ['NA1', 'NA2', 'NOT-THERE'] } } as Document).toArray();
    expect(got.map((d) => d._id).sort()).toEqual(['NA1', 'NA2']);
  });

  it('b:true makes an update of a missing document an upsert; without it the entry fails as a status', async () => {
    const diff = { $v: 2, diff: { u: { status: 'closed' } } };
    const err = await refusal(dr, { applyOps: [{ op: 'u', ns: 'soar.incidents', o: diff, o2: { _id: 'GHOST' } }] });
    expect(err.code).toBe(8);
    expect(err.errorResponse.results).toEqual([false]);
    const res = await dr.db('admin').command({ applyOps: [{ op: 'u', ns: 'soar.incidents', b: true, o: { status: 'new', by: 'replay' }, o2: { _id: 'UPSERTED' } }] });
    expect(res).toMatchObject({ ok: 1, applied: 1, results: [true] });
    expect(await dr.db('soar').collection('incidents').findOne({ _id: 'UPSERTED' } as Document)).toEqual({ _id: 'UPSERTED', status: 'new', by: 'replay' });
  });

  it('a delete of a missing document succeeds (idempotent), an unknown op type stops the batch (BadValue)', async () => {
    const res = await dr.db('admin').command({ applyOps: [{ op: 'd', ns: 'soar.incidents', o: { _id: 'never-there' } }] });
    expect(res).toMatchObject({ ok: 1, results: [true] });
    const err = await refusal(dr, { applyOps: [{ op: 'ci', ns: 'soar.incidents', o: {} }] });
    expect(err.code).toBe(2);
  });
});

describe('sandbox oplog shapes for DDL and retryable writes', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    dc = new MongoClient(setUri(sb, 'DC'));
    await dc.connect();
  });
  afterAll(async () => {
    await dc?.close(true);
    await sb?.stop();
  });

  it('createIndexes: one createIndexes entry on an empty collection, startIndexBuild + commitIndexBuild on a populated one', async () => {
    const start = await lastTs(dc);
    await dc.db('soar').createCollection('empty');
    await dc.db('soar').collection('empty').createIndex({ a: 1 });
    await dc.db('soar').collection('full').insertOne({ a: 1 });
    await dc.db('soar').collection('full').createIndexes([{ key: { a: 1 } }, { key: { b: 1 }, name: 'b_1', expireAfterSeconds: 3600 }]);
    const cmds = (await oplogSince(dc, start, { op: 'c' })).map((e) => e.o);
    expect(cmds.find((o) => o.createIndexes === 'empty')).toMatchObject({ createIndexes: 'empty', key: { a: 1 }, name: 'a_1' });
    const startBuild = cmds.find((o) => o.startIndexBuild === 'full')!;
    const commitBuild = cmds.find((o) => o.commitIndexBuild === 'full')!;
    expect(startBuild.indexes.map((i: Document) => i.name)).toEqual(['a_1', 'b_1']);
    expect(commitBuild.indexBuildUUID.toString('hex')).toBe(startBuild.indexBuildUUID.toString('hex'));
    expect(commitBuild.indexes[1]).toMatchObject({ name: 'b_1', expireAfterSeconds: 3600 });
    expect(cmds.some((o) => o.createIndexes === 'full')).toBe(false);
  });

  it('dropIndexes, collMod (TTL change) and renameCollection write the entries mongod writes', async () => {
    const start = await lastTs(dc);
    const coll = dc.db('soar').collection('ttl');
    await coll.insertOne({ at: new Date() });
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 60, name: 'at_1' });
    await dc.db('soar').command({ collMod: 'ttl', index: { name: 'at_1', expireAfterSeconds: 120 } });
    await coll.createIndex({ x: 1 });
    await coll.dropIndex('x_1');
    await dc.db('admin').command({ renameCollection: 'soar.ttl', to: 'soar.ttl2' });
    const entries = await oplogSince(dc, start, { op: 'c' });
    const collMod = entries.find((e) => e.o.collMod === 'ttl')!;
    expect(collMod.o).toEqual({ collMod: 'ttl', index: { name: 'at_1', expireAfterSeconds: 120 } });
    expect(collMod.ui).toBeInstanceOf(Binary);
    expect(entries.find((e) => e.o.dropIndexes === 'ttl')!.o).toEqual({ dropIndexes: 'ttl', index: 'x_1' });
    const rename = entries.find((e) => e.o.renameCollection !== undefined)!;
    expect(rename.ns).toBe('soar.$cmd');
    expect(rename.o).toEqual({ renameCollection: 'soar.ttl', to: 'soar.ttl2', stayTemp: false });
    const [ttl] = await dc.db('soar').collection('ttl2').listIndexes().toArray().then((ix) => ix.filter((i) => i.name === 'at_1'));
    expect(ttl.expireAfterSeconds).toBe(120);
  });

  it('convertToCapped: a temporary capped create, its inserts, then renameCollection onto the original with dropTarget', async () => {
    const coll = dc.db('soar').collection('logs');
    await coll.insertMany([{ n: 1 }, { n: 2 }]);
    const oldUuid = await uuidOf(dc, 'soar', 'logs');
    const start = await lastTs(dc);
    await dc.db('soar').command({ convertToCapped: 'logs', size: 100_000 });
    const entries = await oplogSince(dc, start);
    const create = entries.find((e) => e.op === 'c' && e.o.create !== undefined)!;
    expect(create.o).toMatchObject({ capped: true, size: 100_000, temp: true });
    expect(String(create.o.create)).toMatch(/^tmp[0-9a-z]{5}\.convertToCapped\.logs$/);
    expect(entries.filter((e) => e.op === 'i' && e.ns === `soar.${String(create.o.create)}`)).toHaveLength(2);
    const rename = entries.find((e) => e.op === 'c' && e.o.renameCollection !== undefined)!;
    expect(rename.o).toMatchObject({ renameCollection: `soar.${String(create.o.create)}`, to: 'soar.logs', stayTemp: false });
    expect(rename.o.dropTarget.toString('hex')).toBe(oldUuid.toString('hex'));
    const [info] = await dc.db('soar').listCollections({ name: 'logs' }).toArray();
    expect((info as Document).options).toEqual({ capped: true, size: 100_000 });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('retryable writes carry lsid {id, uid}, txnNumber, stmtId and a prevOpTime chain', async () => {
    const start = await lastTs(dc);
    await dc.db('soar').collection('events').insertMany([{ n: 1 }, { n: 2 }]);
    const [a, b] = await oplogSince(dc, start, { op: 'i', ns: 'soar.events' });
    expect(Object.keys(a.lsid)).toEqual(['id', 'uid']);
    expect(a.lsid.uid).toBeInstanceOf(Binary);
    expect(a.txnNumber).toBeDefined();
    expect([Number(a.stmtId), Number(b.stmtId)]).toEqual([0, 1]);
    expect(a.prevOpTime.ts).toEqual(new Timestamp({ t: 0, i: 0 }));
    expect(Number(a.prevOpTime.t)).toBe(-1);
    expect((b.prevOpTime.ts as Timestamp).equals(a.ts as Timestamp)).toBe(true);
  });

  it('updates with operators write $v:2 diffs; replacements write the whole document', async () => {
    const start = await lastTs(dc);
    const coll = dc.db('soar').collection<{ _id: number } & Document>('diffs');
    await coll.insertOne({ _id: 1, a: 1, gone: true });
    await coll.updateOne({ _id: 1 }, { $set: { a: 2, b: 'new' }, $unset: { gone: '' } });
    await coll.replaceOne({ _id: 1 }, { whole: true });
    const [upd, repl] = await oplogSince(dc, start, { op: 'u', ns: 'soar.diffs' });
    expect(Number(upd.o.$v)).toBe(2);
    expect(upd.o.diff).toMatchObject({ d: { gone: false }, u: { a: 2 }, i: { b: 'new' } });
    expect(repl.o).toEqual({ _id: 1, whole: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError, type Document, type Timestamp } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { setUri, waitFor, withClient } from './helpers';

describe('views: stored in system.views, read through their pipeline, not writable', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  let start: Timestamp;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    dc = new MongoClient(setUri(sb, 'DC'));
    await dc.connect();
    const [last] = await dc.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
    start = last.ts as Timestamp;
    await dc.db('soar').collection('incidents').insertMany([
      { _id: 'A', status: 'open', sev: 3, note: 'x' },
      { _id: 'B', status: 'closed', sev: 1, note: 'y' },
      { _id: 'C', status: 'open', sev: 1, note: 'z' },
    ] as Document[]);
    await dc.db('soar').createCollection('openIncidents', { viewOn: 'incidents', pipeline: [{ $match: { status: 'open' } }, { $project: { note: 0 } }] });
  });
  afterAll(async () => {
    await dc?.close(true);
    await sb?.stop();
  });

  it('the definition is an insert into <db>.system.views in the oplog', async () => {
    const entries = await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start }, ns: 'soar.system.views' }).toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ op: 'i', o: { _id: 'soar.openIncidents', viewOn: 'incidents', pipeline: [{ $match: { status: 'open' } }, { $project: { note: 0 } }] } });
    expect(entries[0].ui).toBeDefined();
  });

  it('listCollections shows it as type "view" with its options', async () => {
    const [info] = await dc.db('soar').listCollections({ name: 'openIncidents' }).toArray();
    expect(info).toMatchObject({ name: 'openIncidents', type: 'view', options: { viewOn: 'incidents' }, info: { readOnly: true } });
  });

  it('find and aggregate on the view run its $match/$project pipeline first', async () => {
    const docs = await dc.db('soar').collection('openIncidents').find({ sev: 1 }).toArray();
    expect(docs).toEqual([{ _id: 'C', status: 'open', sev: 1 }]);
    const [{ n }] = await dc.db('soar').collection('openIncidents').aggregate([{ $count: 'n' }]).toArray();
    expect(n).toBe(2);
    expect(await dc.db('soar').collection('openIncidents').estimatedDocumentCount()).toBe(2);
  });

  it('writes to the view are refused with CommandNotSupportedOnView (166)', async () => {
    const err = await dc.db('soar').collection('openIncidents').insertOne({ _id: 'D' } as Document).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(166);
    const upd = await dc.db('soar').collection('openIncidents').updateOne({ _id: 'A' } as Document, { $set: { x: 1 } }).catch((e: unknown) => e);
    expect((upd as MongoServerError).code).toBe(166);
  });

  it('the view replicates to the secondary, and drop deletes its definition', async () => {
    await withClient(`${setUri(sb, 'DC')}&readPreference=secondary`, async (c) => {
      await waitFor(async () => (await c.db('soar').collection('openIncidents').countDocuments()) === 2, 10_000, 'the view on the secondary');
    });
    await dc.db('soar').collection('openIncidents').drop();
    expect(await dc.db('soar').listCollections({ name: 'openIncidents' }).toArray()).toEqual([]);
    const del = await dc.db('local').collection('oplog.rs').findOne({ ns: 'soar.system.views', op: 'd' });
    expect(del).toMatchObject({ o: { _id: 'soar.openIncidents' } });
  });
});

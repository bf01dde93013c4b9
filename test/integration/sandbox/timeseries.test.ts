import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Timestamp } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { setUri } from './helpers';

describe('time-series collections: system.buckets.<name> plus a view, buckets in the oplog', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  let start: Timestamp;
  const t0 = new Date('2026-01-01T10:00:00Z');
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    dc = new MongoClient(setUri(sb, 'DC'));
    await dc.connect();
    const [last] = await dc.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
    start = last.ts as Timestamp;
    await dc.db('iot').createCollection('weather', { timeseries: { timeField: 'at', metaField: 'sensor' } });
    const w = dc.db('iot').collection('weather');
    await w.insertOne({ at: t0, sensor: 's1', temp: 20 });
    await w.insertOne({ at: new Date(t0.getTime() + 60_000), sensor: 's1', temp: 21 });
    await w.insertOne({ at: t0, sensor: 's2', temp: 5 });
  });
  afterAll(async () => {
    await dc?.close(true);
    await sb?.stop();
  });

  it('listCollections shows the time-series collection as type "timeseries" and its buckets collection', async () => {
    const infos = await dc.db('iot').listCollections().toArray();
    expect(infos.find((i) => i.name === 'weather')).toMatchObject({ type: 'timeseries', options: { timeseries: { timeField: 'at', metaField: 'sensor', granularity: 'seconds', bucketMaxSpanSeconds: 3600 } } });
    expect(infos.find((i) => i.name === 'system.buckets.weather')).toMatchObject({ type: 'collection' });
  });

  it('the oplog has the buckets create, the view insert, and bucket inserts/updates on system.buckets.weather', async () => {
    const entries = await dc.db('local').collection('oplog.rs').find({ ts: { $gt: start } }).toArray();
    expect(entries.find((e) => e.op === 'c' && e.o.create === 'system.buckets.weather')!.o).toMatchObject({ clusteredIndex: true, timeseries: { timeField: 'at' } });
    expect(entries.find((e) => e.ns === 'iot.system.views')!.o).toMatchObject({ _id: 'iot.weather', viewOn: 'system.buckets.weather' });
    const onBuckets = entries.filter((e) => e.ns === 'iot.system.buckets.weather').map((e) => e.op);
    expect(onBuckets).toEqual(['i', 'u', 'i']);
    expect(entries.some((e) => e.ns === 'iot.weather')).toBe(false);
    const [bucket] = await dc.db('iot').collection('system.buckets.weather').find({ meta: 's1' }).toArray();
    expect(bucket).toMatchObject({ control: { version: 1, min: { at: t0 } }, meta: 's1', data: { temp: { '0': 20, '1': 21 } } });
  });

  it('reads on the collection unpack the buckets into measurements', async () => {
    const docs = await dc.db('iot').collection('weather').find({ sensor: 's1' }, { projection: { _id: 0 } }).sort({ at: 1 }).toArray();
    expect(docs).toEqual([
      { at: t0, temp: 20, sensor: 's1' },
      { at: new Date(t0.getTime() + 60_000), temp: 21, sensor: 's1' },
    ]);
    expect(await dc.db('iot').collection('weather').countDocuments()).toBe(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Long, MongoClient, MongoServerError, ObjectId, Timestamp, type Document } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { type AnyDoc, directUri, memberHost, primaryOf, setUri, waitFor, withClient, withSandbox } from './helpers';
import { rawCommand } from './raw-client';

describe('commands through the official driver', () => {
  let sb: Sandbox;
  let client: MongoClient;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    client = new MongoClient(setUri(sb), { monitorCommands: true });
    await client.connect();
    await client.db('soar').collection<AnyDoc>('hosts').insertMany(
      Array.from({ length: 12 }, (_, i) => ({ _id: i, name: `web-${String(i).padStart(2, '0')}`, site: i % 2 ? 'DC' : 'DR', cpu: i * 5, tags: i % 3 ? ['app'] : ['app', 'db'] })),
      { writeConcern: { w: 'majority' } },
    );
  });
  afterAll(async () => {
    await client?.close(true);
    await sb?.stop();
  });

  it('hello / isMaster carry the manual fields', async () => {
    const h = await client.db('admin').command({ hello: 1 });
    for (const f of ['isWritablePrimary', 'secondary', 'setName', 'setVersion', 'hosts', 'arbiters', 'primary', 'me', 'electionId', 'lastWrite', 'topologyVersion', 'minWireVersion', 'maxWireVersion', 'logicalSessionTimeoutMinutes'])
      expect(h).toHaveProperty(f);
    expect(h.primary).toBe(memberHost(sb, 'dc-1'));
    expect(h.lastWrite.opTime.ts).toBeInstanceOf(Timestamp);
    expect(h.topologyVersion.processId).toBeInstanceOf(ObjectId);
    const legacy = await client.db('admin').command({ isMaster: 1 });
    expect(legacy.ismaster).toBe(true);
    expect(legacy).not.toHaveProperty('isWritablePrimary');
    await withClient(directUri(sb, 'dc-3'), async (c) => {
      const a = await c.db('admin').command({ hello: 1 });
      expect(a).toMatchObject({ arbiterOnly: true, secondary: false, isWritablePrimary: false, setName: 'rs-dc' });
      expect(a).not.toHaveProperty('lastWrite');
    });
  });

  it('serverStatus and replSetGetStatus / replSetGetConfig', async () => {
    const ss = await client.db('admin').command({ serverStatus: 1 });
    expect(ss.repl.setName).toBe('rs-dc');
    expect(ss.opcounters.insert).toBeGreaterThanOrEqual(12);
    expect(ss.uptime).toBeGreaterThanOrEqual(0);
    const st = await client.db('admin').command({ replSetGetStatus: 1 });
    expect(st).toMatchObject({ set: 'rs-dc', myState: 1, ok: 1 });
    expect(st.date).toBeInstanceOf(Date);
    expect(st.optimes.appliedOpTime.ts).toBeInstanceOf(Timestamp);
    const secondary = st.members.find((m: Document) => m.stateStr === 'SECONDARY');
    for (const f of ['_id', 'name', 'health', 'state', 'stateStr', 'uptime', 'optime', 'optimeDate', 'lastHeartbeat', 'lastHeartbeatRecv', 'pingMs', 'lastHeartbeatMessage', 'syncSourceHost', 'configVersion'])
      expect(secondary).toHaveProperty(f);
    expect(secondary.syncSourceHost).toBe(memberHost(sb, 'dc-1'));
    expect(st.members.find((m: Document) => m.self)).toHaveProperty('electionDate');
    const cfg = (await client.db('admin').command({ replSetGetConfig: 1 })).config;
    expect(cfg.members.map((m: Document) => [m.priority, m.arbiterOnly])).toEqual([
      [2, false],
      [1, false],
      [0, true],
    ]);
    expect(cfg.settings).toMatchObject({ heartbeatIntervalMillis: 200, electionTimeoutMillis: 1000 });
  });

  it('find with filter, sort, limit, skip and projection; getMore and killCursors', async () => {
    const hosts = client.db('soar').collection<AnyDoc>('hosts');
    const docs = await hosts.find({ cpu: { $gte: 20 }, tags: 'db' }, { projection: { name: 1, _id: 0 } }).sort({ cpu: -1 }).limit(2).toArray();
    expect(docs).toEqual([{ name: 'web-09' }, { name: 'web-06' }]);
    expect((await hosts.find({}).sort({ _id: 1 }).skip(10).toArray()).map((d) => d._id)).toEqual([10, 11]);
    let getMores = 0;
    client.on('commandStarted', (e) => e.commandName === 'getMore' && getMores++);
    const all = await hosts.find({}, { batchSize: 5 }).toArray();
    expect(all).toHaveLength(12);
    expect(getMores).toBe(2);
    const open = hosts.find({}, { batchSize: 2 });
    await open.next();
    await open.close();
    const killed = await client.db('soar').command({ killCursors: 'hosts', cursors: [Long.fromNumber(424242)] });
    expect(killed.cursorsNotFound).toHaveLength(1);
  });

  it('update, delete, findAndModify, count, distinct and aggregate', async () => {
    const hosts = client.db('soar').collection<AnyDoc>('hosts');
    const u = await client.db('soar').collection<{ _id: number; site: string; cpu: number; checked?: boolean }>('hosts').updateMany({ site: 'DC' }, { $inc: { cpu: 1 }, $set: { checked: true } });
    expect(u).toMatchObject({ matchedCount: 6, modifiedCount: 6 });
    expect((await hosts.updateOne({ _id: 99 }, { $set: { name: 'new' } }, { upsert: true })).upsertedId).toBe(99);
    expect((await hosts.deleteOne({ _id: 99 })).deletedCount).toBe(1);
    const fam = await hosts.findOneAndUpdate({ _id: 1 }, { $set: { cpu: 100 } }, { returnDocument: 'after', projection: { cpu: 1 } });
    expect(fam).toEqual({ _id: 1, cpu: 100 });
    expect(await hosts.estimatedDocumentCount()).toBe(12);
    expect(await hosts.countDocuments({ site: 'DR' })).toBe(6);
    expect((await hosts.distinct('site')).sort()).toEqual(['DC', 'DR']);
    const groups = await hosts.aggregate([{ $match: { cpu: { $lt: 100 } } }, { $group: { _id: '$site', n: { $sum: 1 }, cpu: { $sum: '$cpu' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(groups).toEqual([
      { _id: 'DC', n: 5, cpu: 16 + 26 + 36 + 46 + 56 },
      { _id: 'DR', n: 6, cpu: 0 + 10 + 20 + 30 + 40 + 50 },
    ]);
    expect(await hosts.aggregate([{ $match: { site: 'DC' } }, { $sort: { cpu: -1 } }, { $limit: 2 }, { $count: 'n' }]).toArray()).toEqual([{ n: 2 }]);
    const err = await hosts.aggregate([{ $lookup: {} }]).toArray().catch((e: MongoServerError) => e);
    expect(String(err)).toMatch(/Unrecognized pipeline stage name: '\$lookup'/);
  });

  it('listDatabases, listCollections, createIndexes, listIndexes, drop', async () => {
    const dbs = (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(dbs).toEqual(expect.arrayContaining(['admin', 'local', 'soar']));
    const soar = client.db('soar');
    expect(await soar.collection('hosts').createIndex({ site: 1, cpu: -1 })).toBe('site_1_cpu_-1');
    expect((await soar.collection('hosts').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'site_1_cpu_-1']);
    await soar.collection('tmp').insertOne({ x: 1 });
    expect((await soar.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual(['hosts', 'tmp']);
    expect(await soar.collection('tmp').drop()).toBe(true);
    expect((await soar.listCollections().toArray()).map((c) => c.name)).toEqual(['hosts']);
    const local = (await client.db('local').listCollections({}, { nameOnly: false }).toArray()).find((c) => c.name === 'oplog.rs') as Document | undefined;
    expect(local?.options).toMatchObject({ capped: true });
  });

  it('unique indexes refuse duplicates with E11000', async () => {
    const col = client.db('soar').collection('users');
    await col.createIndex({ email: 1 }, { unique: true });
    await col.insertOne({ email: 'a@x' });
    const err = await col.insertOne({ email: 'a@x' }).catch((e: MongoServerError) => e);
    expect((err as MongoServerError).code).toBe(11000);
  });

  it('errors carry the manual codes: NotWritablePrimary, NotPrimaryNoSecondaryOk, CommandNotFound, arbiters hold no data', async () => {
    await withClient(directUri(sb, 'dc-2'), async (c) => {
      const err = await c.db('soar').collection('events').insertOne({ x: 1 }).catch((e: MongoServerError) => e);
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).code).toBe(10107);
      expect((err as MongoServerError).codeName).toBe('NotWritablePrimary');
      expect(await c.db('soar').collection('hosts').countDocuments()).toBe(12);
    });
    const noSecOk = await rawCommand(memberHost(sb, 'dc-2'), { find: 'hosts', $db: 'soar' });
    expect(noSecOk).toMatchObject({ ok: 0, code: 13435, codeName: 'NotPrimaryNoSecondaryOk' });
    const unknown = await client.db('admin').command({ frobnicate: 1 }).catch((e: MongoServerError) => e);
    expect((unknown as MongoServerError).code).toBe(59);
    await withClient(directUri(sb, 'dc-3'), async (c) => {
      const e = await c.db('soar').collection('hosts').findOne({}).catch((x: MongoServerError) => x);
      expect((e as MongoServerError).code).toBe(13436);
    });
    const txn = client.startSession();
    txn.startTransaction();
    // Transactions are supported now: a session ended with its transaction open aborts it (the driver sends
    // abortTransaction), so the insert leaves nothing behind.
    await client.db('soar').collection('hosts').insertOne({ t: 1 }, { session: txn });
    await txn.endSession();
    expect(await client.db('soar').collection('hosts').countDocuments({ t: 1 })).toBe(0);
  });

  it('retryable writes: a retried statement with the same lsid/txnNumber is not applied twice', async () => {
    const lsid = { id: new (await import('bson')).UUID() };
    const cmd = { insert: 'retry', documents: [{ _id: 1 }, { _id: 2 }], lsid, txnNumber: Long.fromNumber(7), $db: 'soar' };
    expect(await rawCommand(memberHost(sb, 'dc-1'), cmd)).toMatchObject({ ok: 1, n: 2 });
    const again = await rawCommand(memberHost(sb, 'dc-1'), cmd);
    expect(again).toMatchObject({ ok: 1, n: 2 });
    expect(again).not.toHaveProperty('writeErrors');
    const stale = await rawCommand(memberHost(sb, 'dc-1'), { ...cmd, txnNumber: Long.fromNumber(6) });
    expect(stale).toMatchObject({ ok: 0, code: 225 });
  });
});

describe('replica-set admin commands', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('replSetStepDown waits for a caught-up secondary (secondaryCatchUpPeriodSecs), else ExceededTimeLimit', async () => {
    await withClient(setUri(sb), async (c) => {
      await sb.fault({ action: 'lag', target: 'dc-2', ms: 60_000 });
      await c.db('soar').collection('x').insertOne({ a: 1 });
      const err = await c.db('admin').command({ replSetStepDown: 10, secondaryCatchUpPeriodSecs: 1 }).catch((e: MongoServerError) => e);
      expect((err as MongoServerError).code).toBe(262);
      await sb.fault({ action: 'lag', target: 'dc-2', ms: 0 });
      await c.db('admin').command({ replSetStepDown: 10, secondaryCatchUpPeriodSecs: 5 });
      await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-2', 5000, 'dc-2 primary after stepdown');
    });
    await withClient(directUri(sb, 'dc-2'), async (c) => {
      const frozen = await c.db('admin').command({ replSetFreeze: 5 }).catch((e: MongoServerError) => e);
      expect((frozen as MongoServerError).codeName).toBe('NotSecondary');
    });
    await withClient(directUri(sb, 'dc-1'), async (c) => {
      expect(await c.db('admin').command({ replSetFreeze: 0 })).toMatchObject({ info: 'unfreezing' });
    });
  });

  it('shutdown stops a member (a primary steps down first); a revive brings it back', async () => {
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 20_000, 'dc-1 primary');
    await withClient(directUri(sb, 'dc-1'), (c) => c.db('admin').command({ shutdown: 1, timeoutSecs: 5 }).catch((e: Error) => e));
    await waitFor(() => !sb.state().members.find((m) => m.name === 'dc-1')!.alive, 5000, 'dc-1 to stop');
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-2', 5000, 'dc-2 to take over at once');
    await sb.fault({ action: 'revive', target: 'dc-1' });
  });

  it('replSetReconfig changes priorities (and force: true works on a secondary)', async () => {
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 20_000, 'dc-1 back by priority');
    await withClient(setUri(sb), async (c) => {
      const cfg = (await c.db('admin').command({ replSetGetConfig: 1 })).config;
      cfg.version++;
      cfg.members[1].priority = 5;
      await c.db('admin').command({ replSetReconfig: cfg });
      expect((await c.db('admin').command({ hello: 1 })).setVersion).toBe(cfg.version);
      const stale = await c.db('admin').command({ replSetReconfig: cfg }).catch((e: MongoServerError) => e);
      expect(String(stale)).toMatch(/must be greater/);
    });
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-2', 20_000, 'dc-2 takes over with priority 5');
    await sb.fault({ action: 'kill', target: 'dc-2' });
    await sb.fault({ action: 'kill', target: 'dc-3' });
    await withClient(directUri(sb, 'dc-1'), async (c) => {
      const cfg = (await c.db('admin').command({ replSetGetConfig: 1 })).config;
      cfg.members = cfg.members.filter((m: Document) => m.host === memberHost(sb, 'dc-1'));
      const notPrimary = await c.db('admin').command({ replSetReconfig: cfg }).catch((e: MongoServerError) => e);
      expect((notPrimary as MongoServerError).code).toBe(10107);
      // A fresh client: this one marked dc-1 unknown after "not primary" until its next streamed hello.
      await withClient(directUri(sb, 'dc-1'), (c2) => c2.db('admin').command({ replSetReconfig: cfg, force: true }));
    });
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 10_000, 'dc-1 alone elects itself after a forced reconfig');
  });
});

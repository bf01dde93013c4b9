import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Document } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { directUri, memberHost, primaryOf, setUri, waitFor, withClient, type AnyDoc } from './helpers';

/** Failover with fast timing (same rules as the manual's, 10x faster clock). */
describe('failover, rejoin and rollback (fast timing)', () => {
  let sb: Sandbox;
  let client: MongoClient;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    client = new MongoClient(setUri(sb), { serverSelectionTimeoutMS: 15_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close(true);
    await sb?.stop();
  });

  it('elects dc-2 when dc-1 dies; the next retryable write succeeds; status shows dc-1 unreachable', async () => {
    const col = client.db('soar').collection<AnyDoc>('events');
    await col.insertMany(
      Array.from({ length: 20 }, (_, i) => ({ _id: `pre-${i}`, i })),
      { writeConcern: { w: 'majority', wtimeoutMS: 5000 } },
    );
    // A write in flight when the primary dies (its reply held back by a slow fault): the driver retries it on
    // the new primary with the same txnNumber, and the new primary, which replicated the first attempt,
    // answers without inserting twice (a second insert of the same _id would fail with E11000).
    await sb.fault({ action: 'slow', target: 'dc-1', ms: 300 });
    const inFlight = col.insertOne({ _id: 'in-flight' });
    await new Promise((r) => setTimeout(r, 100));
    await sb.fault({ action: 'kill', target: 'dc-1' });
    expect((await inFlight).acknowledged).toBe(true);
    expect(primaryOf(sb, 'rs-dc')).toBe('dc-2');
    await col.insertOne({ _id: 'after-kill' });
    expect(await col.countDocuments({})).toBe(22);
    expect(await col.countDocuments({ _id: 'in-flight' })).toBe(1);
    await sb.fault({ action: 'slow', target: 'dc-1', ms: 0 });

    const status = await client.db('admin').command({ replSetGetStatus: 1 });
    const dc1 = status.members.find((m: Document) => m.name === memberHost(sb, 'dc-1'));
    expect(dc1).toMatchObject({ health: 0, stateStr: '(not reachable/healthy)', state: 8 });
    expect(dc1.lastHeartbeatMessage).toMatch(/Connection refused/);
    expect(status.members.find((m: Document) => m.self).stateStr).toBe('PRIMARY');
    expect(Number(status.term)).toBe(2);

    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.electionId.toHexString()).toBe('7fffffff0000000000000002');
  });

  it('a revived member rejoins as secondary, catches up from the oplog, then takes over by priority', async () => {
    await client.db('soar').collection<AnyDoc>('events').insertOne({ _id: 'while-dc1-down' });
    await sb.fault({ action: 'revive', target: 'dc-1' });
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 20_000, 'dc-1 to take over by priority');
    await withClient(directUri(sb, 'dc-1'), async (c) => {
      const ids = (await c.db('soar').collection<AnyDoc>('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
      expect(ids).toContain('while-dc1-down');
      expect(ids).toHaveLength(23);
    });
    const elections = sb.state().elections!.filter((e) => e.replicaSet === 'rs-dc' && e.type === 'elected').map((e) => [e.member, e.reason]);
    expect(elections).toEqual([
      ['dc-1', 'initial'],
      ['dc-2', 'electionTimeout'],
      ['dc-1', 'priorityTakeover'],
    ]);
  });

  it('writes only the old primary had are rolled back when it rejoins', async () => {
    const col = client.db('soar').collection<AnyDoc>('events');
    await col.insertOne({ _id: 'majority-before' }, { writeConcern: { w: 'majority', wtimeoutMS: 5000 } });
    await sb.fault({ action: 'lag', target: 'dc-2', ms: 600_000 });
    await col.insertMany([{ _id: 'w1-only-a' }, { _id: 'w1-only-b' }], { writeConcern: { w: 1 } });
    await sb.fault({ action: 'kill', target: 'dc-1' });
    await sb.fault({ action: 'lag', target: 'dc-2', ms: 0 });
    // The next write once the driver has seen the new primary (a write issued in the very instant of the
    // kill can meet the driver's own race between its monitor and its pooled connection).
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-2', 10_000, 'dc-2 elected');
    await col.insertOne({ _id: 'on-dc-2' });
    expect(primaryOf(sb, 'rs-dc')).toBe('dc-2');
    await sb.fault({ action: 'revive', target: 'dc-1' });
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 20_000, 'dc-1 back as primary');
    const ids = (await col.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toContain('majority-before');
    expect(ids).toContain('on-dc-2');
    expect(ids).not.toContain('w1-only-a');
    expect(ids).not.toContain('w1-only-b');
    const dc1 = sb.state().members.find((m) => m.name === 'dc-1')!;
    expect(dc1.rollbacks).toBe(1);
    expect(dc1.rolledBackOps).toBeGreaterThanOrEqual(2);
    await waitFor(async () => {
      const st = sb.state().members.filter((m) => m.replicaSet === 'rs-dc' && m.optime);
      return st.every((m) => m.optime!.ts === st[0].optime!.ts);
    }, 10_000, 'dc-2 to catch up with dc-1');
  });
});

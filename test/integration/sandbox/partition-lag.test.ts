import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoWriteConcernError, type Document } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { type AnyDoc, directUri, memberHost, primaryOf, setUri, waitFor, withClient, withSandbox } from './helpers';

describe('network partition (fast timing)', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('a primary cut off from its secondary and arbiter steps down; the majority side elects; heal rejoins it', async () => {
    await withClient(setUri(sb), (c) => c.db('soar').collection<AnyDoc>('events').insertOne({ _id: 'before' }, { writeConcern: { w: 'majority' } }));
    await sb.fault({ action: 'partition', target: 'dc-1', from: 'DC' });
    // The isolated primary still takes w:1 writes until it notices it lost the majority.
    await withClient(directUri(sb, 'dc-1'), (c) => c.db('soar').collection<AnyDoc>('events').insertOne({ _id: 'minority-side' }, { writeConcern: { w: 1 } }));
    await waitFor(() => sb.state().members.find((m) => m.name === 'dc-1')!.stateStr === 'SECONDARY', 10_000, 'dc-1 to step down');
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-2', 10_000, 'dc-2 to be elected');
    const downs = sb.state().elections!.filter((e) => e.member === 'dc-1' && e.type === 'steppedDown');
    expect(downs.map((e) => e.reason)).toContain('could not see a majority of voting members');

    await withClient(setUri(sb), async (c) => {
      await c.db('soar').collection<AnyDoc>('events').insertOne({ _id: 'majority-side' }, { writeConcern: { w: 1 } });
      const st = await c.db('admin').command({ replSetGetStatus: 1 });
      const dc1 = st.members.find((m: Document) => m.name === memberHost(sb, 'dc-1'));
      expect(dc1.health).toBe(0);
      expect(dc1.lastHeartbeatMessage).toMatch(/partition/);
    });

    await sb.fault({ action: 'heal', target: 'dc-1' });
    await waitFor(() => primaryOf(sb, 'rs-dc') === 'dc-1', 20_000, 'dc-1 to rejoin and take over by priority');
    await withClient(setUri(sb), async (c) => {
      const ids = (await c.db('soar').collection<AnyDoc>('events').find().toArray()).map((d) => d._id);
      expect(ids.sort()).toEqual(['before', 'majority-side']);
    });
  });

  it('a site whose members cannot see each other has no primary and its app is unhealthy', async () => {
    await sb.fault({ action: 'partition', target: 'dr-1', from: 'DR' });
    await sb.fault({ action: 'partition', target: 'dr-2', from: 'DR' });
    await waitFor(() => primaryOf(sb, 'rs-dr') === undefined, 10_000, 'dr-1 to step down');
    await sb.fault({ action: 'app', target: 'DR', running: true });
    const res = await fetch(sb.description.sites[1].appHealthUrl);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/no writable primary/);
    await sb.fault({ action: 'heal', target: 'DR' });
    await waitFor(() => primaryOf(sb, 'rs-dr') === 'dr-1', 20_000, 'dr-1 primary again');
    expect((await fetch(sb.description.sites[1].appHealthUrl)).status).toBe(200);
    expect(sb.state().partitions).toEqual([]);
  });

  it('a partition from clients keeps the site running but refuses connections', async () => {
    await sb.fault({ action: 'partition', target: 'DC', from: 'clients' });
    const err = await withClient(setUri(sb), (c) => c.db('admin').command({ ping: 1 }), { serverSelectionTimeoutMS: 500 }).catch((e: Error) => e);
    expect(String(err as Error)).toMatch(/Server selection timed out|ECONNREFUSED|connect/i);
    expect(primaryOf(sb, 'rs-dc')).toBe('dc-1');
    expect(sb.state().members.find((m) => m.name === 'dc-1')!.clientsBlocked).toBe(true);
    expect((await fetch(sb.description.sites[0].appHealthUrl)).status).toBe(200);
    await sb.fault({ action: 'heal', target: 'DC' });
    await withClient(setUri(sb), (c) => c.db('admin').command({ ping: 1 }));
  });
});

describe('replication lag', () => {
  let sb: Sandbox;
  let client: MongoClient;
  beforeAll(async () => {
    sb = await startSandbox({ fast: true });
    client = new MongoClient(setUri(sb));
    await client.connect();
  });
  afterAll(async () => {
    await client?.close(true);
    await sb?.stop();
  });

  it('a lagged secondary shows the lag in its optimeDate, and w:majority times out', async () => {
    await sb.fault({ action: 'lag', target: 'dc-2', ms: 4000 });
    const col = client.db('soar').collection<AnyDoc>('events');
    for (let i = 0; i < 25; i++) {
      await col.insertOne({ i });
      await new Promise((r) => setTimeout(r, 100));
    }
    const st = await client.db('admin').command({ replSetGetStatus: 1 });
    const primary = st.members.find((m: Document) => m.stateStr === 'PRIMARY');
    const dc2 = st.members.find((m: Document) => m.name === memberHost(sb, 'dc-2'));
    expect(primary.optimeDate.getTime() - dc2.optimeDate.getTime()).toBeGreaterThanOrEqual(2000);
    expect(sb.state().members.find((m) => m.name === 'dc-2')!.lagMs).toBeGreaterThanOrEqual(2000);
    const err = await col.insertOne({ late: true }, { writeConcern: { w: 'majority', wtimeoutMS: 300 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoWriteConcernError);
    expect((err as MongoWriteConcernError).code).toBe(64);

    await sb.fault({ action: 'lag', target: 'dc-2', ms: 0 });
    await col.insertOne({ caughtUp: true }, { writeConcern: { w: 'majority', wtimeoutMS: 5000 } });
    await withClient(directUri(sb, 'dc-2', '&readPreference=secondary'), async (c) => {
      expect(await c.db('soar').collection<AnyDoc>('events').countDocuments({})).toBe(27);
    });
  });
});

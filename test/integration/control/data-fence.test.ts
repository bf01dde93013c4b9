import type { Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OplogReplayer } from '../../../src/main/backup/replay/oplog-replayer';
import { ChainState } from '../../../src/main/control/chain-state';
import { fenceCollection, fenceOp, installDataFence } from '../../../src/main/control/data-fence';
import { localHolder, PipelineLease } from '../../../src/main/control/lease';
import { LeaseSession } from '../../../src/main/control/lease-session';
import { CONTROL_DATABASE } from '../../../src/main/control/names';
import { tsToText } from '../../../src/main/connectors/oplog-ts';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { setUri, withSandbox } from '../sandbox/helpers';

/**
 * Term fencing of the applied data on a 7.0-like DR, through the driver over TCP: a holder frozen past its
 * lease and resumed after a take-over must not get one more batch onto DR.
 */
const PIPELINE = 'DC>DR';
const NS = 'fenceapp.events';

describe('the data fence of the pipeline lease', () => {
  let sandbox: Sandbox;
  let dc: MongoClient;
  let a: MongoClient;
  let b: MongoClient;

  withSandbox({ fast: true }, (sb) => (sandbox = sb));
  beforeAll(async () => {
    dc = new MongoClient(setUri(sandbox, 'DC'), { serverSelectionTimeoutMS: 20_000 });
    // Two desks: two connection pools to DR.
    a = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    b = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    await Promise.all([dc.connect(), a.connect(), b.connect()]);
    await a.db('fenceapp').createCollection('events', { writeConcern: { w: 'majority' } });
    await a.db('fenceapp').createCollection('probe', { writeConcern: { w: 'majority' } });
  });
  afterAll(async () => {
    await Promise.all([dc?.close(true), a?.close(true), b?.close(true)]);
  });

  it('7.0 has no applyOps preCondition (removed in 6.2): a failing one does not stop a CRUD-only batch', async () => {
    await a.db('fenceapp').collection('probe').insertOne({ _id: 'lease', term: 2 } as Document, { writeConcern: { w: 'majority' } });
    const r = await a.db('admin').command({
      applyOps: [{ op: 'i', ns: 'fenceapp.probe', o: { _id: 'p1' } }],
      preCondition: [{ ns: 'fenceapp.probe', q: { _id: 'lease' }, res: { term: 1 } }],
    });
    expect(r.ok).toBe(1);
    expect(await a.db('fenceapp').collection('probe').findOne({ _id: 'p1' } as Document)).not.toBeNull();
  });

  it('a batch whose first entry is an insert into a missing fence collection applies nothing', async () => {
    const err = await a
      .db('admin')
      .command({ applyOps: [{ op: 'i', ns: `${CONTROL_DATABASE}.${fenceCollection(PIPELINE, 99)}`, o: { _id: 'fence' } }, { op: 'i', ns: 'fenceapp.probe', o: { _id: 'p2' } }, { op: 'i', ns: 'fenceapp.probe', o: { _id: 'p3' } }] })
      .then(() => null, (e: unknown) => e as { code?: number; codeName?: string; errorResponse?: Document });
    expect(err?.codeName).toBe('NamespaceNotFound');
    expect(err?.errorResponse?.applied).toBe(1);
    expect(err?.errorResponse?.results).toEqual([false]);
    expect(await a.db('fenceapp').collection('probe').countDocuments({ _id: { $in: ['p2', 'p3'] } } as Document)).toBe(0);
  });

  it('a holder resumed after a take-over has its batch refused by DR: DR shows the new holder position only, no DC event twice', async () => {
    // DC's events and their oplog entries, as an increment slice carries them.
    const events = dc.db('fenceapp').collection('events');
    const ids = Array.from({ length: 30 }, (_, i) => `e${i}`);
    for (const id of ids) await events.insertOne({ _id: id, n: id } as Document, { writeConcern: { w: 'majority' } });
    const entries = await dc.db('local').collection('oplog.rs').find({ ns: NS, op: 'i' }).sort({ $natural: 1 }).toArray();
    expect(entries).toHaveLength(30);
    const first = entries.slice(0, 10);
    const second = entries.slice(10, 20);
    const third = entries.slice(20, 30);

    // Desk A holds the lease (term N) and has applied its first batch.
    const ttl = 800;
    const leaseA = new PipelineLease(a, PIPELINE, ttl);
    const heldA = await leaseA.acquire(localHolder('ws-a', 'alice'));
    const chainA = new ChainState(a, PIPELINE);
    await chainA.fence(heldA, 'alice');
    await installDataFence(a, PIPELINE, heldA.term);
    await chainA.startChain(heldA, 'chain-1', null, 'alice');
    const replayA = (fenced: boolean) =>
      new OplogReplayer(a, {
        positionOp: (ts) => chainA.positionOp(ts),
        fenceOp: fenced ? () => chainA.fenceOp(heldA) : undefined,
        onApplied: async (ts) => void (await chainA.recordApplied(heldA, 'chain-1', ts, null)),
      });
    const r1 = replayA(true);
    for (const e of first) await r1.add(e);
    await r1.finish();

    // A freezes right after its abort check, before its next applyOps (no heartbeat, no signal from here).
    await new Promise((r) => setTimeout(r, ttl + 400));

    // Desk B takes the lease over (term N+1), resumes after DR's position and applies the next batch.
    const sessionB = await LeaseSession.open(b, PIPELINE, localHolder('ws-b', 'bob'), ttl);
    try {
      expect(sessionB.held.term).toBe(heldA.term + 1);
      const chainB = sessionB.chain();
      const doc = await chainB.read();
      const resumeAfterTs = doc?.appliedTs ? tsToText(doc.appliedTs) : null;
      expect(resumeAfterTs).toBe(tsToText(first[9].ts));
      const rB = new OplogReplayer(b, {
        resumeAfterTs,
        positionOp: (ts) => chainB.positionOp(ts),
        fenceOp: () => chainB.fenceOp(sessionB.held),
        onApplied: async (ts) => void (await chainB.recordApplied(sessionB.held, 'chain-1', ts, null)),
      });
      for (const e of [...first, ...second, ...third]) await rB.add(e);
      await rB.finish();

      // A resumes and sends the batch it had ready (events 10..19): DR refuses it at the fence.
      const r2 = replayA(process.env.DRDESK_TEST_NO_FENCE !== '1');
      let refused: { code?: string; message?: string } | null = null;
      try {
        for (const e of second) await r2.add(e);
        await r2.finish();
      } catch (err) {
        refused = err as { code?: string; message?: string };
      }
      // DR: B's position and term; every DC event exactly once in DR's oplog, none missing.
      const after = await chainB.read();
      expect(tsToText(after!.appliedTs!)).toBe(tsToText(third[9].ts));
      expect(after!.term).toBe(sessionB.held.term);
      const drOplog = await b.db('local').collection('oplog.rs').find({ ns: NS, op: 'i' }).toArray();
      const perId = new Map<string, number>();
      for (const e of drOplog) perId.set(String((e.o as Document)._id), (perId.get(String((e.o as Document)._id)) ?? 0) + 1);
      expect([...perId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect([...perId.keys()].sort()).toEqual([...ids].sort());
      expect(await b.db('fenceapp').collection('events').countDocuments()).toBe(30);
      expect(refused?.code).toBe('LEASE_LOST');
      expect(refused?.message).toMatch(/bob on .+ holds it now \(term \d+\); nothing of that batch was applied/);
      // The older term's fence is gone and the new term's exists.
      const names = (await b.db(CONTROL_DATABASE).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).toContain(fenceCollection(PIPELINE, sessionB.held.term));
      expect(names).not.toContain(fenceCollection(PIPELINE, heldA.term));
      expect(fenceOp(PIPELINE, 1).ns).toBe(`${CONTROL_DATABASE}.${fenceCollection(PIPELINE, 1)}`);
    } finally {
      await sessionB.close();
    }
  });

  it("a holder that lost its lease cannot run DDL either: a create led by the fence, a dropDatabase after the fence alone, both refused", async () => {
    await dc.db('fenceddl').createCollection('made', { writeConcern: { w: 'majority' } });
    await dc.db('fencedrop').collection('x').insertOne({ _id: 1 } as Document, { writeConcern: { w: 'majority' } });
    await dc.db('fencedrop').dropDatabase({ writeConcern: { w: 'majority' } });
    const oplog = dc.db('local').collection('oplog.rs');
    const create = await oplog.findOne({ op: 'c', ns: 'fenceddl.$cmd', 'o.create': 'made' });
    const drop = await oplog.findOne({ op: 'c', ns: 'fencedrop.$cmd', 'o.dropDatabase': 1 });
    expect(create && drop).toBeTruthy();
    // DR holds a database that dropDatabase would remove.
    await a.db('fencedrop').collection('keep').insertOne({ _id: 'still-here' } as Document, { writeConcern: { w: 'majority' } });
    // A stale term: its fence collection is gone (never made here), as after a take-over.
    const stale = () => new OplogReplayer(a, { fenceOp: () => fenceOp('DC>DR-stale', 7) });
    for (const entry of [create!, drop!]) {
      const r = stale();
      const err = await (async () => {
        await r.add(entry);
        await r.finish();
      })().then(() => null, (e: unknown) => e as { code?: string });
      expect(err?.code, String(entry.ns)).toBe('LEASE_LOST');
    }
    expect((await a.db('fenceddl').listCollections({ name: 'made' }).toArray()).length).toBe(0);
    expect(await a.db('fencedrop').collection('keep').countDocuments()).toBe(1);
    // With a live fence the same entries apply.
    const live = new OplogReplayer(a, {});
    await live.add(create!);
    await live.finish();
    expect((await a.db('fenceddl').listCollections({ name: 'made' }).toArray()).length).toBe(1);
  });
});

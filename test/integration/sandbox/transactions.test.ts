import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Document, type Timestamp } from 'mongodb';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { setUri, waitFor, withClient } from './helpers';

async function lastTs(c: MongoClient): Promise<Timestamp> {
  const [last] = await c.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
  return last.ts as Timestamp;
}

async function txnEntries(c: MongoClient, after: Timestamp): Promise<Document[]> {
  return c.db('local').collection('oplog.rs').find({ ts: { $gt: after }, ns: 'admin.$cmd', 'o.applyOps': { $exists: true } }).toArray();
}

describe('multi-document transactions on one replica set (driver session API)', () => {
  let sb: Sandbox;
  let dc: MongoClient;
  beforeAll(async () => {
    // 2 KB per transaction entry, so a transaction of a few 1 KB documents is split into a partialTxn chain.
    sb = await startSandbox({ fast: true, transactionEntryMaxBytes: 2048 });
    dc = new MongoClient(setUri(sb, 'DC'));
    await dc.connect();
    await dc.db('shop').collection('orders').insertOne({ _id: 'seed' } as Document);
    await dc.db('shop').collection('stock').insertOne({ _id: 'widget', n: 10 } as Document);
  });
  afterAll(async () => {
    await dc?.close(true);
    await sb?.stop();
  });

  it('a committed transaction is one applyOps entry on admin.$cmd with lsid, txnNumber, prevOpTime, and no stmtId', async () => {
    const start = await lastTs(dc);
    const session = dc.startSession();
    try {
      await session.withTransaction(async () => {
        await dc.db('shop').collection('orders').insertOne({ _id: 'o1', item: 'widget' } as Document, { session });
        await dc.db('shop').collection<{ _id: string }>('stock').updateOne({ _id: 'widget' }, { $inc: { n: -1 } }, { session });
      });
    } finally {
      await session.endSession();
    }
    const [entry, ...more] = await txnEntries(dc, start);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ op: 'c', ns: 'admin.$cmd' });
    expect(Object.keys(entry.lsid)).toEqual(['id', 'uid']);
    expect(entry.txnNumber).toBeDefined();
    expect(Number(entry.prevOpTime.t)).toBe(-1);
    expect(entry.o.partialTxn).toBeUndefined();
    expect(entry.o.count).toBeUndefined();
    const ops = entry.o.applyOps as Document[];
    expect(ops.map((o) => [o.op, o.ns])).toEqual([
      ['i', 'shop.orders'],
      ['u', 'shop.stock'],
    ]);
    expect(ops[1].o).toEqual({ $v: 2, diff: { u: { n: 9 } } });
    for (const o of ops) {
      expect(o.ui).toBeDefined();
      expect(o.stmtId).toBeUndefined();
      expect(o.lsid).toBeUndefined();
    }
    // No separate CRUD entries were written for the transaction's statements.
    expect(await dc.db('local').collection('oplog.rs').countDocuments({ ts: { $gt: start }, ns: 'shop.orders' })).toBe(0);
  });

  it('the committed writes replicate to the secondary through the applyOps entry', async () => {
    await withClient(`${setUri(sb, 'DC')}&readPreference=secondary`, async (c) => {
      await waitFor(async () => (await c.db('shop').collection('orders').findOne({ _id: 'o1' } as Document)) !== null, 10_000, 'o1 on the secondary');
      expect(await c.db('shop').collection('stock').findOne({ _id: 'widget' } as Document)).toMatchObject({ n: 9 });
    });
  });

  it('an aborted transaction writes nothing to the oplog and leaves no data', async () => {
    const start = await lastTs(dc);
    const session = dc.startSession();
    try {
      session.startTransaction();
      await dc.db('shop').collection('orders').insertOne({ _id: 'o-aborted' } as Document, { session });
      await dc.db('shop').collection<{ _id: string }>('stock').updateOne({ _id: 'widget' }, { $set: { n: 0 } }, { session });
      await dc.db('shop').collection('orders').deleteOne({ _id: 'seed' } as Document, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await dc.db('local').collection('oplog.rs').countDocuments({ ts: { $gt: start } })).toBe(0);
    expect(await dc.db('shop').collection('orders').findOne({ _id: 'o-aborted' } as Document)).toBeNull();
    expect(await dc.db('shop').collection('orders').findOne({ _id: 'seed' } as Document)).not.toBeNull();
    expect(await dc.db('shop').collection('stock').findOne({ _id: 'widget' } as Document)).toMatchObject({ n: 9 });
  });

  it('a large transaction is a chain of partialTxn entries linked by prevOpTime, then a final entry with count', async () => {
    const start = await lastTs(dc);
    const session = dc.startSession();
    const docs = Array.from({ length: 6 }, (_, i) => ({ _id: `big-${i}`, pad: 'x'.repeat(900) }));
    try {
      await session.withTransaction(async () => {
        for (const d of docs) await dc.db('shop').collection('orders').insertOne(d as Document, { session });
      });
    } finally {
      await session.endSession();
    }
    const chain = await txnEntries(dc, start);
    expect(chain.length).toBeGreaterThan(1);
    for (const e of chain.slice(0, -1)) expect(e.o.partialTxn).toBe(true);
    const final = chain[chain.length - 1];
    expect(final.o.partialTxn).toBeUndefined();
    expect(final.o.count).toBe(6);
    expect(chain.reduce((n, e) => n + (e.o.applyOps as Document[]).length, 0)).toBe(6);
    expect(Number(chain[0].prevOpTime.t)).toBe(-1);
    for (let i = 1; i < chain.length; i++) expect((chain[i].prevOpTime.ts as Timestamp).equals(chain[i - 1].ts as Timestamp)).toBe(true);
    await withClient(`${setUri(sb, 'DC')}&readPreference=secondary`, async (c) => {
      await waitFor(async () => (await c.db('shop').collection('orders').countDocuments({ _id: { $regex: /^big-/ } } as Document)) === 6, 10_000, 'the large transaction on the secondary');
    });
  });

  it('the workload can write with transactions: its oplog gets applyOps entries and the ledger counts them', async () => {
    const sb2 = await startSandbox({ fast: true, workloadTransactions: true });
    try {
      await withClient(setUri(sb2, 'DC'), async (c) => {
        const start = await lastTs(c);
        sb2.startWorkload(50);
        await waitFor(() => sb2.ledger.acknowledged >= 5, 20_000, 'five acknowledged transactions');
        await sb2.stopWorkload();
        const entries = await txnEntries(c, start);
        expect(entries.length).toBeGreaterThanOrEqual(5);
        expect((entries[0].o.applyOps as Document[]).map((o) => o.ns).sort()).toEqual(['soar.events', 'soar.incidents']);
        expect(await c.db('soar').collection('events').countDocuments()).toBe(sb2.ledger.acknowledged);
      });
    } finally {
      await sb2.stop();
    }
  });
});

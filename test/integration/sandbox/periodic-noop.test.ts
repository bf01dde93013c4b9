import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/main/sandbox';
import { type AnyDoc, setUri, waitFor, withClient, withSandbox } from './helpers';

type Entry = { op: string; ns: string; o: Record<string, unknown>; ts: { getHighBits(): number; getLowBits(): number } };

describe('periodic no-op and Reconfig set no-op', () => {
  let sb: Sandbox;
  withSandbox({ fast: true, periodicNoopIntervalMs: 300 }, (s) => (sb = s));

  const tail = (n: number) =>
    withClient(setUri(sb), async (c) => (await c.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(n).toArray()) as unknown as Entry[]);

  it('an idle primary appends {msg:"periodic noop"} each interval, and its secondaries replicate it', async () => {
    // Timestamps compared exactly (seconds << 32 | increment does not fit a double).
    const key = (e: Entry) => (BigInt(e.ts.getHighBits()) << 32n) | BigInt(e.ts.getLowBits() >>> 0);
    const before = key((await tail(1))[0]);
    const noops = await waitFor(async () => {
      const t = (await tail(20)).filter((e) => e.op === 'n' && e.o.msg === 'periodic noop' && key(e) > before);
      return t.length >= 2 ? t : null;
    }, 10_000, 'two periodic no-ops after the first read');
    expect(noops[0]).toMatchObject({ op: 'n', ns: '', o: { msg: 'periodic noop' } });
    expect(key(noops[0]) > key(noops[1])).toBe(true);
    // the DC secondary holds the same no-op (the replicated optime moves while DC is idle)
    await waitFor(() => sb.state().members.find((m) => m.name === 'dc-2')!.optime?.ts === sb.state().members.find((m) => m.name === 'dc-1')!.optime?.ts, 5000, 'dc-2 caught up');
  });

  it('a primary that keeps writing writes no periodic no-op in between (noop_writer.cpp skips when the optime moved)', async () => {
    await withClient(setUri(sb), async (c) => {
      const coll = c.db('app').collection<AnyDoc>('busy');
      // write faster than the interval for ~6 intervals
      for (let i = 0; i < 30; i++) {
        await coll.insertOne({ _id: i });
        await new Promise((r) => setTimeout(r, 60));
      }
      const entries = (await c.db('local').collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(31).toArray()) as unknown as Entry[];
      const firstInsert = entries.findIndex((e) => e.op === 'i' && e.ns === 'app.busy' && (e.o._id as number) === 0);
      const between = entries.slice(0, firstInsert).filter((e) => e.op === 'n');
      // at most the one tick that saw the last insert's optime before the loop ended may have turned idle
      expect(between.length).toBeLessThanOrEqual(1);
    });
  });

  it('replSetReconfig writes {msg:"Reconfig set", version:N} on the primary', async () => {
    await withClient(setUri(sb), async (c) => {
      const admin = c.db('admin');
      const { config } = (await admin.command({ replSetGetConfig: 1 })) as { config: { version: number; members: { priority: number }[] } };
      const next = { ...config, version: config.version + 1 };
      await admin.command({ replSetReconfig: next });
      const e = await waitFor(async () => (await tail(5)).find((x) => x.op === 'n' && x.o.msg === 'Reconfig set'), 5000, 'Reconfig set no-op');
      expect(e.o).toEqual({ msg: 'Reconfig set', version: config.version + 1 });
    });
  });
});

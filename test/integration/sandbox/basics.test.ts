import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { topologySchema } from '../../../src/shared/topology';
import type { Sandbox } from '../../../src/main/sandbox';
import { directUri, setUri, withClient, withSandbox } from './helpers';

describe('sandbox basics through the official driver', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('starts both sites with distinct sets and writes a topology file that parses', async () => {
    const d = sb.description;
    expect(d.sites.map((s) => [s.name, s.replicaSet])).toEqual([
      ['DC', 'rs-dc'],
      ['DR', 'rs-dr'],
    ]);
    expect(d.sites[0].members.map((m) => [m.name, m.role])).toEqual([
      ['dc-1', 'primary'],
      ['dc-2', 'secondary'],
      ['dc-3', 'arbiter'],
    ]);
    const parsed = topologySchema.parse(JSON.parse(await readFile(d.topologyFile, 'utf8')));
    expect(parsed.sites[1].role).toBe('dr');
    expect(parsed.sites[0].appHealthUrls[0]).toBe(`${d.control}/app/DC/health`);
    expect(topologySchema.parse(sb.topology).sites[0].replicaSets[0].members).toHaveLength(3);
  });

  it('discovers the DC set, writes to the primary and reads back', async () => {
    await withClient(setUri(sb), async (c) => {
      const hello = await c.db('admin').command({ hello: 1 });
      expect(hello.setName).toBe('rs-dc');
      expect(hello.isWritablePrimary).toBe(true);
      expect(hello.hosts).toHaveLength(2);
      expect(hello.arbiters).toHaveLength(1);
      const col = c.db('soar').collection('events');
      await col.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }], { writeConcern: { w: 'majority', wtimeoutMS: 5000 } });
      const docs = await col.find({ n: { $gte: 2 } }, { projection: { _id: 0 } }).sort({ n: -1 }).toArray();
      expect(docs).toEqual([{ n: 3 }, { n: 2 }]);
      expect(await c.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect((await c.db('admin').command({ buildInfo: 1 })).version).toMatch(/^7\./);
    });
  });

  it('answers directConnection to a secondary and an arbiter', async () => {
    await withClient(directUri(sb, 'dc-2'), async (c) => {
      const hello = await c.db('admin').command({ hello: 1 });
      expect(hello.secondary).toBe(true);
      expect(hello.me).toBe(sb.description.sites[0].members[1].host);
    });
    await withClient(directUri(sb, 'dc-3'), async (c) => {
      const hello = await c.db('admin').command({ hello: 1 });
      expect(hello.arbiterOnly).toBe(true);
    });
  });

  it("answers a query on _id alone (ranges, _id order, skip, a document updated, renamed or removed) exactly as the general path does", async () => {
    await withClient(setUri(sb), async (c) => {
      const col = c.db('idonly').collection('mixed');
      const ids: unknown[] = [...Array.from({ length: 30 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => `s${i}`), 2.5, new Date('2026-01-01T00:00:00Z')];
      await col.insertMany(ids.map((_id, n) => ({ _id, n })) as never[]);
      await col.updateOne({ _id: 3 } as never, { $set: { n: -3 } });
      await col.deleteOne({ _id: 7 } as never);
      const filters: object[] = [{}, { _id: { $gte: 5, $lt: 12 } }, { _id: { $lt: 's5' } }, { _id: { $gte: 2 } }, { _id: { $in: [1, 's2', 99] } }, { _id: { $type: 'string' } }];
      for (const f of filters) {
        // {$and: [f]} takes the general path (a key other than _id): the two answers must be the same.
        for (const opts of [{}, { sort: { _id: 1 } }, { sort: { _id: -1 }, skip: 3, limit: 4 }, { sort: { _id: 1 }, skip: 10, limit: 1, projection: { _id: 1 } }] as object[]) {
          const fast = await col.find(f as never, opts).toArray();
          const general = await col.find({ $and: [f] } as never, opts).toArray();
          expect(fast, `${JSON.stringify(f)} ${JSON.stringify(opts)}`).toEqual(general);
        }
      }
      await c.db('admin').command({ renameCollection: 'idonly.mixed', to: 'idonly.moved' });
      const moved = c.db('idonly').collection('moved');
      expect(await moved.find({ _id: { $gte: 28 } } as never).sort({ _id: 1 }).toArray()).toEqual([{ _id: 28, n: 28 }, { _id: 29, n: 29 }]);
      expect(await moved.find({ _id: 3 } as never).toArray()).toEqual([{ _id: 3, n: -3 }]);
      expect(await moved.countDocuments({ _id: 7 } as never)).toBe(0);
    });
  });
});

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
});

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { restoreBaselineArchive, restorePartedBaseline, type BaselinePart, type PartAccess } from '../../../src/main/backup/baseline/restore';
import { landedPartsProblem, stagedPartAccess, type PartFiles } from '../../../src/main/backup/baseline/restore-fetch';
import { bucketsOf } from '../../../src/main/backup/baseline/names';
import type { Manifest } from '../../../src/main/backup/manifest';
import { DeskError } from '../../../src/shared/errors';
import { fenceOp, installDataFence } from '../../../src/main/control/data-fence';
import { snapshot } from './harness';
import { CHAIN, dirFiles, writeParted, indexDefs, partedBed, plan, rawDocs, refuse, writeArchive, type Built } from './parted-fixture';

/**
 * The restore side of a baseline in parts, on the sandbox through the driver (the baselines are built by hand
 * in parted-fixture.ts): DR is compared with DC document by document and index by index, and every refusal —
 * a part damaged or missing, parts that overlap, data that break a unique index, a stopped cycle, a lease
 * taken over — leaves DR as the refusal says.
 */
describe('restoring a baseline in parts', () => {
  const bed = partedBed();

  async function restore(b: Built, opts: { concurrency?: number; files?: PartFiles; batchDocs?: number; onBatch?: (p: BaselinePart, n: number) => Promise<void>; fenceOp?: () => Document } = {}) {
    const events: BackupProgress[] = [];
    const files = opts.files ?? dirFiles(b.dir);
    const inner = stagedPartAccess(files, bed.staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    let open = 0;
    let maxOpen = 0;
    const access: PartAccess = {
      open: async (p, s) => {
        const path = await inner.open(p, s);
        maxOpen = Math.max(maxOpen, ++open);
        return path;
      },
      release: async (p, path) => {
        open--;
        await inner.release(p, path);
      },
    };
    const out = await restorePartedBaseline(bed.dr, b.head, b.manifest, { progress: bed.progressOf(events), fenceOp: opts.fenceOp }, { parts: b.parts, access, concurrency: opts.concurrency, batchDocs: opts.batchDocs ?? 250, onBatch: opts.onBatch });
    return { out, events, maxOpen };
  }

  it('a parted baseline (pool 4) leaves DR equal to DC: every document, every index, the view, the time-series collection', async () => {
    const { out, events, maxOpen } = await restore(bed.built, { concurrency: 4 });
    expect(await snapshot(bed.dr)).toEqual(bed.dcSnapshot);
    expect(await indexDefs(bed.dr)).toEqual(bed.dcIndexes);
    expect(bed.dcIndexes['shop.orders'].map((i) => i.name)).toEqual(['_id_', 'customer_1_total_-1', 'ref_1']);
    expect((await bed.dr.db('shop').listCollections({ name: 'bigOrders' }).toArray())[0]?.type).toBe('view');
    expect((await bed.dr.db('metrics').listCollections({ name: 'readings' }).toArray())[0]?.type).toBe('timeseries');
    expect(await bed.dr.db('shop').collection('orders').findOne({ _id: 5 } as Document)).toMatchObject({ total: 999 });
    expect(await bed.dr.db('shop').collection('orders').findOne({ _id: 7 } as Document)).toBeNull();
    expect(await bed.dr.db('old').listCollections().toArray()).toEqual([]);
    expect(out.applied).toBeGreaterThanOrEqual(3050);
    expect(maxOpen).toBeGreaterThan(1);
    expect(maxOpen).toBeLessThanOrEqual(4);
    // Staging holds nothing once the parts are restored.
    for (const p of bed.built.parts) expect(existsSync(join(bed.staging, p.archive))).toBe(false);
    const partEvents = events.filter((e) => e.message.startsWith('Restoring parts on DR'));
    expect(partEvents.length).toBeGreaterThan(5);
    const last = partEvents[partEvents.length - 1];
    expect(last.message).toContain(`${bed.built.parts.length} of ${bed.built.parts.length} done`);
    expect(last.bytes).toEqual({ done: bed.built.parts.reduce((n, p) => n + p.rawBytes, 0), total: bed.built.parts.reduce((n, p) => n + p.rawBytes, 0) });
    expect(partEvents.some((e) => /#\d+ shop\.orders \d+%/.test(e.message))).toBe(true);
  }, 120_000);

  it('pool 1 gives the same DR as pool 4', async () => {
    const { maxOpen } = await restore(bed.built, { concurrency: 1 });
    expect(maxOpen).toBe(1);
    expect(await snapshot(bed.dr)).toEqual(bed.dcSnapshot);
    expect(await indexDefs(bed.dr)).toEqual(bed.dcIndexes);
  }, 120_000);

  it('an old baseline in one archive restores as before', async () => {
    const { markers, views } = await plan(bed.dc);
    const docs: Array<Buffer | Uint8Array> = [];
    for (const m of markers) {
      docs.push(serialize(m));
      docs.push(...(await rawDocs(bed.dc, String(m.db), m.timeseries ? bucketsOf(String(m.name)) : String(m.name))));
    }
    for (const v of views) docs.push(serialize(v));
    docs.push(serialize({ _drdesk: 'oplog' }));
    const dir = await mkdtemp(join(tmpdir(), 'drdesk-one-'));
    bed.dirs.push(dir);
    const path = join(dir, `${CHAIN}-000000.bson.gz`);
    const sum = await writeArchive(path, docs);
    const m: Manifest = { ...bed.built.manifest, bytes: sum.bytes, rawBytes: sum.rawBytes, sha256: sum.sha256, count: sum.documents };
    const out = await restoreBaselineArchive(bed.dr, path, m, { progress: bed.progressOf([]) });
    expect(out.applied).toBe(sum.documents);
    expect(await snapshot(bed.dr)).toEqual(bed.dcSnapshot);
    expect(await indexDefs(bed.dr)).toEqual(bed.dcIndexes);
  }, 120_000);

  it('a part whose sha256 at the landing is not the manifest one is refused before anything is fetched or written', async () => {
    const files = dirFiles(bed.built.dir);
    const victim = bed.built.parts[1];
    const original = await readFile(join(bed.built.dir, victim.archive));
    const damaged = Buffer.from(original);
    damaged[damaged.length - 10] ^= 0xff;
    await writeFile(join(bed.built.dir, victim.archive), damaged);
    try {
      const problem = await landedPartsProblem(files, bed.built.parts, { label: 'test landing', seq: 0, target: 'DR' });
      expect(problem?.code).toBe('PART_CHECKSUM_MISMATCH');
      expect(problem?.message).toContain(victim.archive);
      expect(files.fetched).toEqual([]);
      expect(await bed.dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(join(bed.built.dir, victim.archive), original);
    }
    expect(await landedPartsProblem(files, bed.built.parts, { label: 'test landing', seq: 0, target: 'DR' })).toBeNull();
  });

  it('a missing part is refused before anything is written', async () => {
    const victim = bed.built.parts[2];
    const saved = await readFile(join(bed.built.dir, victim.archive));
    await rm(join(bed.built.dir, victim.archive));
    try {
      const problem = await landedPartsProblem(dirFiles(bed.built.dir), bed.built.parts, { label: 'test landing', seq: 0, target: 'DR' });
      expect(problem?.code).toBe('PART_MISSING_REMOTE');
      expect(problem?.message).toContain(`Part ${victim.index}`);
      expect(await bed.dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(join(bed.built.dir, victim.archive), saved);
    }
  });

  it('a part damaged on its way to staging stops the restore: none of its documents reach DR, nothing after it either', async () => {
    const victim = bed.built.parts[3];
    const files = dirFiles(bed.built.dir, async (name, local) => {
      if (name !== victim.archive) return;
      const b = await readFile(local);
      b[20] ^= 0xff;
      await writeFile(local, b);
    });
    const err = await restore(bed.built, { concurrency: 1, files }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('PART_CHECKSUM_MISMATCH');
    expect(await bed.dr.db('shop').collection('customers').countDocuments()).toBe(0);
    expect(await bed.dr.db('metrics').collection(bucketsOf('readings')).countDocuments()).toBe(0);
    expect(await bed.dr.db('shop').listCollections({ name: 'bigOrders' }).toArray()).toEqual([]);
    expect(existsSync(join(bed.staging, victim.archive))).toBe(false);
  }, 60_000);


  it('data that break a unique index: a coded refusal, the index is not half-built, the oplog is not replayed', async () => {
    const err = await restore(await bed.uniqueBreaking()).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_UNIQUE_VIOLATION');
    expect((err as DeskError).message).toContain('uniq.users');
    expect((await bed.dr.db('uniq').collection('users').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await bed.dr.db('uniq').collection('users').findOne({ _id: 99 } as Document)).toBeNull();
  }, 60_000);

  it('parts that overlap (the same _id twice) are a coded refusal, not a silent merge', async () => {
    const marker = { _drdesk: 'collection', db: 'dup', name: 'c', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], timeseries: false };
    const b = await writeParted({
      markers: [marker],
      parts: [
        { db: 'dup', name: 'c', docs: [1, 2, 3].map((i) => serialize({ _id: i })) },
        { db: 'dup', name: 'c', docs: [3, 4].map((i) => serialize({ _id: i })) },
      ],
      views: [],
      oplog: [],
      startTs: bed.built.manifest.fromTs,
    });
    bed.dirs.push(b.dir);
    const err = await restore(b).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_COUNT_MISMATCH');
  });

  it('a head that names a collection the parts do not match is refused before DR is cleared', async () => {
    const b: Built = { ...bed.built, parts: bed.built.parts.map((p, i) => (i === 0 ? { ...p, name: 'nosuch' } : p)) };
    const err = await restore(b).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('BASELINE_PARTS_INVALID');
    expect(await bed.dr.db('old').collection('stale').countDocuments()).toBe(1);
  });

  it('batches stay within their count and byte bounds, a document larger than the byte bound goes alone', async () => {
    const marker = { _drdesk: 'collection', db: 'big', name: 'blobs', options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], timeseries: false };
    const pad = (n: number) => 'x'.repeat(n);
    const docs = [...Array.from({ length: 40 }, (_, i) => serialize({ _id: i, pad: pad(100_000) })), serialize({ _id: 'huge', pad: pad(3_000_000) }), ...Array.from({ length: 30 }, (_, i) => serialize({ _id: 100 + i, pad: pad(10) }))];
    const b = await writeParted({ markers: [marker], parts: [{ db: 'big', name: 'blobs', docs }], views: [], oplog: [], startTs: bed.built.manifest.fromTs });
    bed.dirs.push(b.dir);
    const batches: number[] = [];
    let prev = 0;
    const events: BackupProgress[] = [];
    const access = stagedPartAccess(dirFiles(b.dir), bed.staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    await restorePartedBaseline(bed.dr, b.head, b.manifest, { progress: bed.progressOf(events) }, {
      parts: b.parts,
      access,
      batchDocs: 25,
      batchBytes: 1024 * 1024,
      onBatch: (_p, done) => {
        batches.push(done - prev);
        prev = done;
      },
    });
    // 100 kB documents: 10 fit in 1 MiB; the 3 MB one alone; the small ones 25 at a time.
    expect(batches).toEqual([10, 10, 10, 10, 1, 25, 5]);
    expect(await bed.dr.db('big').collection('blobs').countDocuments()).toBe(71);
  }, 60_000);

  it('a stopped cycle stops every part at its next batch: no batch is sent after the abort', async () => {
    const ac = new AbortController();
    let after = 0;
    const access = stagedPartAccess(dirFiles(bed.built.dir), bed.staging, { label: 'test landing', seq: 0, target: 'DR' }, refuse);
    const err = await restorePartedBaseline(bed.dr, bed.built.head, bed.built.manifest, { progress: bed.progressOf([]), signal: ac.signal }, {
      parts: bed.built.parts,
      access,
      concurrency: 4,
      batchDocs: 100,
      onBatch: () => {
        if (ac.signal.aborted) after++;
        else ac.abort(new DeskError('CYCLE_ABORTED', 'The backup cycle was stopped.'));
      },
    }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('CYCLE_ABORTED');
    // Parts already sending when the abort came may finish that one batch; none sends another.
    expect(after).toBeLessThan(4);
    const orders = await bed.dr.db('shop').collection('orders').countDocuments();
    expect(orders).toBeLessThanOrEqual(4 * 100);
    for (const p of bed.built.parts) expect(existsSync(join(bed.staging, p.archive))).toBe(false);
  }, 60_000);

  it('a restore whose lease is taken over mid-way writes nothing after the take-over', async () => {
    const pipeline = 'DC>DR';
    await installDataFence(bed.dr, pipeline, 1);
    let atTakeOver: Map<string, string[]> | null = null;
    let batches = 0;
    const err = await restore(bed.built, {
      concurrency: 4,
      batchDocs: 100,
      fenceOp: () => fenceOp(pipeline, 1),
      onBatch: async () => {
        if (++batches !== 3) return;
        // Another workstation acquires term 2: its fence replaces term 1's.
        await installDataFence(bed.dr, pipeline, 2);
        atTakeOver = await snapshot(bed.dr);
      },
    }).catch((e: unknown) => e as DeskError);
    expect((err as DeskError).code).toBe('LEASE_LOST');
    expect(atTakeOver).not.toBeNull();
    const after = await snapshot(bed.dr);
    expect(after).toEqual(atTakeOver);
    const orders = after.get('shop.orders') ?? [];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBeLessThan(3000);
    expect((await bed.dr.db('shop').collection('orders').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await bed.dr.db('shop').listCollections({ name: 'bigOrders' }).toArray()).toEqual([]);
  }, 120_000);

});

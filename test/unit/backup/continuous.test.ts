import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, Timestamp } from 'bson';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupStore, ChainRow, SliceRow } from '../../../src/main/backup/backup-store';
import { liveRpoSeconds, percentile, RpoWindow } from '../../../src/main/backup/continuous/live-rpo';
import { OpenSlice } from '../../../src/main/backup/continuous/slicer';
import { tailEntry } from '../../../src/main/backup/continuous/tailer';
import { readArchive } from '../../../src/main/backup/archive';
import { linkProblem, manifestSha256, MANIFEST_FORMAT, type Manifest } from '../../../src/main/backup/manifest';

describe('live RPO', () => {
  const base = { dcNow: 100_000, staleAfterMs: 5_000 };
  it('is DC newest write minus DR newest applied while the tailer hears from DC', () => {
    expect(liveRpoSeconds({ ...base, dcNewestWrite: 99_000, drNewestApplied: 92_500, tailerContact: 99_500 })).toEqual({ seconds: 6.5, basis: 'tailer' });
  });
  it('is zero when DR applied everything DC wrote (an idle DC is no data loss)', () => {
    expect(liveRpoSeconds({ ...base, dcNewestWrite: 50_000, drNewestApplied: 50_000, tailerContact: 99_900 }).seconds).toBe(0);
    expect(liveRpoSeconds({ ...base, dcNewestWrite: 40_000, drNewestApplied: 50_000, tailerContact: 99_900 }).seconds).toBe(0);
  });
  it('grows with DC time once the tailer lost DC: never a frozen, reassuring figure', () => {
    const r = liveRpoSeconds({ ...base, dcNewestWrite: 80_000, drNewestApplied: 80_000, tailerContact: 90_000 });
    expect(r).toEqual({ seconds: 20, basis: 'stale' });
  });
  it('is unknown before anything was applied', () => {
    expect(liveRpoSeconds({ ...base, dcNewestWrite: 1, drNewestApplied: null, tailerContact: 99_000 })).toEqual({ seconds: null, basis: 'unknown' });
  });
  it('percentiles are nearest-rank and the window forgets old samples', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(percentile([], 95)).toBeNull();
    const w = new RpoWindow(10_000);
    w.add(0, 30);
    w.add(5_000, 1);
    w.add(12_000, 2);
    expect(w.summary()).toMatchObject({ max: 2, samples: 2 });
    w.add(13_000, null);
    expect(w.summary().samples).toBe(2);
  });
});

describe('open slice', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prevManifest: Manifest = {
    format: MANIFEST_FORMAT,
    kind: 'baseline',
    chainId: 'c1',
    seq: 0,
    fromTs: '100:1',
    toTs: '100:5',
    count: 1,
    bytes: 10,
    rawBytes: 10,
    sha256: 'a'.repeat(64),
    prevManifestSha256: null,
    dcVersion: '7.0.0',
    replicaSet: 'rs-dc',
    createdAt: new Date(0).toISOString(),
    headCheckedAt: new Date(0).toISOString(),
    lastWall: null,
    archive: 'c1-000000.bson.gz',
  };
  const prev = { chainId: 'c1', seq: 0, manifest: prevManifest, manifestSha: manifestSha256(prevManifest) } as SliceRow;
  const chain = { chainId: 'c1', replicaSet: 'rs-dc' } as ChainRow;
  const entry = (sec: number, inc: number, wall: number, ns = 'soar.events', op = 'i') =>
    tailEntry(serialize({ ts: new Timestamp({ t: sec, i: inc }), op, ns, wall: new Date(wall), o: { _id: `${sec}:${inc}`, pad: 'x'.repeat(100) } }));

  function setup(): { slice: OpenSlice; added: Manifest[]; store: BackupStore } {
    dir = mkdtempSync(join(tmpdir(), 'drdesk-slice-'));
    const added: Manifest[] = [];
    const store = { addSlice: (m: Manifest) => added.push(m) } as unknown as BackupStore;
    return { slice: new OpenSlice(chain, prev, dir, '7.0.0'), added, store };
  }

  it('is due after its time limit from the first entry, or at its size limit, never while empty', async () => {
    const { slice } = setup();
    const limits = { maxMs: 5_000, maxRawBytes: 1_000 };
    expect(slice.due(1e12, limits)).toBe(false);
    await slice.append(entry(101, 1, 101_000), 10_000);
    expect(slice.due(14_999, limits)).toBe(false);
    expect(slice.due(15_000, limits)).toBe(true);
    for (let i = 2; i < 10; i++) await slice.append(entry(101, i, 101_000), 10_001);
    expect(slice.rawBytes).toBeGreaterThanOrEqual(1_000);
    expect(slice.due(10_002, limits)).toBe(true);
    await slice.discard();
  });

  it('closes into a manifest linked to the previous slice, with every entry in order, and resumes at its last entry', async () => {
    const { slice, added, store } = setup();
    expect(slice.position).toBe('100:5');
    for (let i = 1; i <= 3; i++) await slice.append(entry(101, i, 101_000 + i), 0);
    expect(slice.position).toBe('101:3');
    const m = await slice.close(store, new Date(100_000));
    expect(added).toEqual([m]);
    expect(linkProblem(prevManifest, m)).toBeNull();
    expect(m).toMatchObject({ seq: 1, fromTs: '100:5', toTs: '101:3', count: 3, kind: 'increment' });
    // headCheckedAt never claims less than the newest entry's own time.
    expect(m.headCheckedAt).toBe(new Date(101_003).toISOString());
    const ids: string[] = [];
    for await (const raw of readArchive(join(dir, m.archive))) ids.push(tailEntry(raw).ts.toString());
    expect(ids).toHaveLength(3);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a later DC time proven complete becomes headCheckedAt; a discarded slice leaves no partial archive', async () => {
    const { slice, store } = setup();
    await slice.append(entry(101, 1, 101_000), 0);
    const m = await slice.close(store, new Date(105_000));
    expect(m.headCheckedAt).toBe(new Date(105_000).toISOString());
    const next = new OpenSlice(chain, { ...prev, seq: 1, manifest: m, manifestSha: manifestSha256(m) } as SliceRow, dir, '7.0.0');
    await next.append(entry(102, 1, 102_000), 0);
    // The partial archive's file opens asynchronously.
    for (let i = 0; i < 50 && !readdirSync(dir).some((f) => f.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    await next.discard();
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(existsSync(join(dir, m.archive))).toBe(true);
  });

  it('tells application writes from no-ops and DR Desk control entries', () => {
    expect(entry(1, 1, 1).user).toBe(true);
    expect(entry(1, 1, 1, 'soar.events', 'n').user).toBe(false);
    const c = entry(1, 1, 1, 'drdesk.chain', 'u');
    expect([c.user, c.control]).toEqual([false, true]);
  });
});

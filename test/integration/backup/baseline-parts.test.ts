import { readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskError } from '../../../src/shared/errors';
import { ProgressTracker } from '../../../src/main/backup/progress';
import type { BackupService } from '../../../src/main/backup/service';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { sshdSkipReason } from '../../helpers/sshd';
import { snapshot, startBed, type Bed } from './harness';

type LogEvent = Record<string, unknown> & { event: string };

function logOf(svc: BackupService): LogEvent[] {
  return readFileSync(svc.log.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEvent);
}

async function expectDrEqualsDc(bed: Bed): Promise<void> {
  const [dcData, drData] = await Promise.all([snapshot(bed.dc), snapshot(bed.dr)]);
  expect([...drData.keys()].sort()).toEqual([...dcData.keys()].sort());
  for (const [ns, docs] of dcData) expect(drData.get(ns), ns).toEqual(docs);
}

/**
 * Baselines in parts, end to end on the sandbox through a real sshd: large collections split by _id range
 * (ints, strings), a collection of mixed _id types kept whole, parts copied a few at a time and shipped while
 * the copy runs, the head archive last; a baseline cut short resumes from the parts already copied and
 * shipped; a part damaged or swapped at the landing is sent again.
 */
describe.skipIf(sshdSkipReason !== null)('baselines in parts', () => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed({ service: { baseline: { partDocuments: 400, copyConcurrency: 3, restoreConcurrency: 3 } } });
    const shop = bed.dc.db('shop');
    await shop.collection('orders').createIndex({ customer: 1 }, { name: 'customer_1' });
    await shop.collection('orders').insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, customer: `c${i % 97}`, total: i * 1.5, pad: 'x'.repeat(200) })) as never[]);
    await shop.collection('skus').insertMany(Array.from({ length: 1300 }, (_, i) => ({ _id: `sku-${String(i).padStart(5, '0')}`, stock: i })) as never[]);
    // Mixed _id types: a range on one type would miss the others, so this one is copied whole.
    await shop.collection('mixed').insertMany([...Array.from({ length: 500 }, (_, i) => ({ _id: i })), ...Array.from({ length: 500 }, (_, i) => ({ _id: `s${i}` }))] as never[]);
    await shop.createCollection('empty');
    await shop.createCollection('big_orders', { viewOn: 'orders', pipeline: [{ $match: { total: { $gt: 4000 } } }] });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('splits large collections by _id range, copies and ships the parts while copying, writes the head last; DR equals DC under a live workload', async () => {
    bed.sandbox.startWorkload(60);
    const svc = await bed.restartService();
    const rec = await svc.run('baseline', 'manual', true);
    expect(rec.error).toBeNull();
    const m = svc.store.slice(svc.status().chain!.chainId, 0)!.manifest;
    const parts = m.parts!;
    const of = (name: string) => parts.filter((p) => p.db === 'shop' && p.name === name);
    expect(of('orders').length).toBeGreaterThanOrEqual(7);
    expect(of('skus').length).toBeGreaterThanOrEqual(3);
    expect(of('mixed')).toHaveLength(1);
    expect(of('empty')).toHaveLength(1);
    expect(of('orders').reduce((n, p) => n + p.count, 0)).toBe(3000);
    expect(of('mixed')[0].count).toBe(1000);
    expect(parts.map((p) => p.index)).toEqual(parts.map((_, i) => i + 1));
    // Every part landed, and most went while the copy was still running.
    const landed = readdirSync(bed.sshd.landingDir);
    for (const p of parts) expect(landed).toContain(p.archive);
    const captured = logOf(svc).filter((e) => e.event === 'captured' && e.seq === 0).at(-1)!;
    expect(Number(captured.partsShippedDuringCopy)).toBe(parts.length);
    // Parts that landed during the copy are not read at the landing again by the slice's shipment: only the head goes.
    const shippedHead = logOf(svc).filter((e) => e.event === 'shipped' && e.seq === 0).at(-1)!;
    expect(Number(shippedHead.sent)).toBe(m.bytes);
    const copy = bed.progress.filter((p) => p.phase === 'copy' && /Copying parts: \d+ of \d+ done/.test(p.message));
    expect(copy.length).toBeGreaterThan(0);
    expect(copy.at(-1)!.collections).toEqual({ done: parts.length, total: parts.length });
    await bed.sandbox.stopWorkload();
    const c = await svc.run('cycle', 'manual', true);
    expect(c.error).toBeNull();
    await expectDrEqualsDc(bed);
    expect((await bed.dr.db('shop').collection('orders').indexes()).map((ix) => ix.name)).toContain('customer_1');
    // Staging holds nothing once the parts are restored; the outbox holds no partial file.
    expect(readdirSync(svc.pipeline.staging).filter((f) => f.includes('.p0'))).toEqual([]);
    expect(readdirSync(svc.pipeline.outbox).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a baseline cut short resumes from the parts already copied and shipped; a part damaged or swapped at the landing is sent again', async () => {
    await bed.dc.db('shop').collection('orders').insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: 10_000 + i, customer: 'late', total: 1, pad: 'y'.repeat(300) })) as never[]);
    // First cut while copying (as a kill would): five parts copied, the head not written.
    const svc = await bed.restartService();
    const cut = new AbortController();
    const rec = svc.store.startCycle('baseline', 'manual', new Date(Date.now() + 60_000));
    const progress = new ProgressTracker({ cycleId: rec.id, kind: 'baseline' }, (p: BackupProgress) => {
      if (p.phase === 'copy' && (p.collections?.done ?? 0) >= 5) cut.abort(new DeskError('CYCLE_CANCELLED', 'cut by the test while copying'));
    }, 0);
    await expect(svc.pipeline.runBaseline({ cycleId: rec.id, progress, signal: cut.signal })).rejects.toMatchObject({ code: 'CYCLE_CANCELLED' });
    svc.store.finishCycle(rec.id, 'failed', { code: 'CYCLE_CANCELLED', message: 'cut by the test' });
    const chain = svc.store.currentChain()!;
    expect(chain.state).toBe('building');
    expect(svc.store.slice(chain.chainId, 0)).toBeNull();
    const copiedFirst = readdirSync(svc.pipeline.outbox).filter((f) => f.startsWith(chain.chainId) && /\.p\d{4}$/.test(f));
    expect(copiedFirst.length).toBeGreaterThanOrEqual(5);
    expect(readdirSync(svc.pipeline.outbox).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Then cut while shipping: the copy resumes (same chain), three more parts reach the landing, then the link goes.
    let landedParts = 0;
    const second = await bed.restartService({
      transferHook: (info) => {
        if (landedParts >= 3) throw new DeskError('SSH_TRANSFER_INTERRUPTED', 'cut by the test while shipping');
        if (info.sent === info.total) landedParts++;
      },
      retry: { attempts: 1, baseMs: 10, maxMs: 10 },
    });
    const failed = await second.run('baseline', 'manual', true);
    expect(failed.error).not.toBeNull();
    expect(second.store.currentChain()!.chainId).toBe(chain.chainId);
    const resumeMsg = bed.progress.find((p) => p.cycleId === failed.id && p.phase === 'copy' && /resuming: \d+ parts already copied/.test(p.message));
    expect(Number(/resuming: (\d+)/.exec(resumeMsg?.message ?? '')?.[1])).toBeGreaterThanOrEqual(5);
    expect(logOf(second).some((e) => e.event === 'baseline-resume-copy' && e.chainId === chain.chainId)).toBe(true);
    const firstLanded = readdirSync(bed.sshd.landingDir).filter((f) => f.startsWith(chain.chainId) && /\.p\d{4}$/.test(f)).sort();
    expect(firstLanded.length).toBeGreaterThanOrEqual(2);
    // At the landing one part is damaged and another replaced by a different part of the same baseline.
    const [damaged, swapped, source] = firstLanded;
    const bytes = readFileSync(join(bed.sshd.landingDir, damaged));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(join(bed.sshd.landingDir, damaged), bytes);
    if (source) copyFileSync(join(bed.sshd.landingDir, source), join(bed.sshd.landingDir, swapped));

    const resumed = await bed.restartService();
    const again = await resumed.run('baseline', 'manual', true);
    expect(again.error).toBeNull();
    expect(resumed.status().chain!.chainId).toBe(chain.chainId);
    const log = logOf(resumed);
    expect(log.some((e) => e.event === 'baseline-resume' && e.chainId === chain.chainId)).toBe(true);
    const m = resumed.store.slice(chain.chainId, 0)!.manifest;
    const all = m.bytes + m.parts!.reduce((n, p) => n + p.bytes, 0);
    // Sent the second time: the parts not copied or not landed intact before the cut, and the head — not everything.
    expect(again.bytes).toBeGreaterThan(0);
    expect(again.bytes).toBeLessThan(all);
    // The damaged and the swapped part are whole again at the landing.
    const landing = resumed.pipeline.landing();
    try {
      for (const name of [damaged, swapped]) expect(await landing.fileChecksum(name)).toBe(m.parts!.find((p) => p.archive === name)!.sha256);
    } finally {
      landing.close();
    }
    await expectDrEqualsDc(bed);
    expect(await bed.dr.db('shop').collection('orders').countDocuments()).toBe(4000);
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Decimal128, Long } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src/main/backup/progress';
import type { RunContext } from '../../../src/main/backup/pipeline';
import type { BackupProgress } from '../../../src/shared/api/backup';
import { sshdSkipReason } from '../../helpers/sshd';
import { snapshot, startBed, type Bed } from './harness';

/** A cycle record and progress tracker, to drive the pipeline's phases one by one. */
function phaseRun(bed: Bed): RunContext {
  const rec = bed.service.store.startCycle('cycle', 'manual', new Date(Date.now() + 60_000));
  return { cycleId: rec.id, progress: new ProgressTracker({ cycleId: rec.id, kind: 'cycle' }, () => undefined) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const skip = sshdSkipReason;

type Doc = { _id: string | number; [k: string]: unknown };
const coll = (client: Bed['dc'], name: string) => client.db('soar').collection<Doc>(name);

describe.skipIf(skip !== null)(`backup pipeline: sandbox DC → real sshd → sandbox DR${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('takes a baseline and three increments under a live workload; DR then equals DC document by document', async () => {
    const soar = bed.dc.db('soar');
    await soar.collection('events').createIndex({ seq: 1 }, { name: 'seq_1' });
    await coll(bed.dc, 'cases').insertMany([
      { _id: 'c1', n: Long.fromString('9007199254740993'), price: Decimal128.fromString('12.50'), tags: ['a', 'b'], nested: { deep: { x: 1.5 } }, blob: new Binary(Buffer.from([0, 1, 2])) },
      { _id: 'c2', when: new Date('2026-01-01T00:00:00Z'), nul: null },
    ]);
    await soar.createCollection('empty_but_present');
    bed.sandbox.startWorkload(80);
    await new Promise((r) => setTimeout(r, 1500));

    const svc = await bed.restartService();
    const base = await svc.run('baseline', 'manual', true);
    expect(base.error).toBeNull();
    expect(base.state).toBe('ok');
    for (let i = 0; i < 3; i++) {
      await coll(bed.dc, 'cases').updateOne({ _id: 'c1' }, { $set: { [`round${i}`]: i }, $inc: { n: 1 } } as Record<string, unknown>);
      await new Promise((r) => setTimeout(r, 700));
      const c = await svc.run('cycle', 'manual', true);
      expect(c.error).toBeNull();
      expect(c.captured).toBe(1);
      expect(c.applied).toBe(1);
    }
    await bed.sandbox.stopWorkload();
    const last = await svc.run('cycle', 'manual', true);
    expect(last.state).toBe('ok');

    const [dcData, drData] = await Promise.all([snapshot(bed.dc), snapshot(bed.dr)]);
    expect(dcData.get('soar.events')!.length).toBeGreaterThan(100);
    expect([...drData.keys()].sort()).toEqual([...dcData.keys()].sort());
    for (const [ns, docs] of dcData) expect(drData.get(ns), ns).toEqual(docs);
    const drIndexes = await bed.dr.db('soar').collection('events').indexes();
    expect(drIndexes.map((ix) => ix.name)).toContain('seq_1');

    const st = svc.status();
    expect(st.chain?.slices.map((s) => s.state)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(st.chain?.slices[0].kind).toBe('baseline');
    expect(svc.store.slices(st.chain!.chainId).every((s) => s.applyCount === 1 && s.safety !== null)).toBe(true);
    expect(st.rpo.seconds).not.toBeNull();
    expect(st.rpo.seconds!).toBeLessThan(90);
    expect(st.level).toBe('green');
    expect(st.landing?.fingerprint).toBe(bed.sshd.hostKeyFingerprint());
    const phases = new Set(bed.progress.map((p: BackupProgress) => p.phase));
    for (const ph of ['copy', 'oplog', 'capture', 'ship', 'verify', 'apply', 'done']) expect(phases.has(ph as BackupProgress['phase']), ph).toBe(true);
    const copy = bed.progress.filter((p) => p.phase === 'copy').at(-1)!;
    expect(copy.collections?.total).toBeGreaterThanOrEqual(3);
    expect(copy.documents?.done).toBeGreaterThan(0);
    expect(bed.progress.some((p) => p.phase === 'ship' && (p.bytes?.done ?? 0) > 0 && p.bytes?.total)).toBe(true);
  });

  it('resumes a transfer cut in the middle on the next cycle and applies the slice exactly once', async () => {
    const svc = await bed.restartService({
      retry: { attempts: 1, baseMs: 50, maxMs: 50 },
      transfer: { chunkSize: 16 * 1024, concurrency: 4 },
      transferHook: (info, session) => {
        if (cut && info.sent > 256 * 1024) {
          cut = false;
          session.destroy();
        }
      },
    });
    let cut = true;
    await coll(bed.dc, 'blobs').insertMany(Array.from({ length: 12 }, (_, i) => ({ _id: i, data: new Binary(randomBytes(64 * 1024)) })));
    const failed = await svc.run('cycle', 'manual', true);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('SSH_TRANSFER_INTERRUPTED');
    const chainId = svc.status().chain!.chainId;
    const slice = svc.store.slices(chainId).at(-1)!;
    expect(slice.state).toBe('failed');
    expect(existsSync(join(bed.sshd.landingDir, `${slice.manifest.archive}.part`))).toBe(true);
    expect(svc.status().reasons.map((r) => r.code)).toContain('BACKUP_FAILING');

    const ok = await svc.run('cycle', 'manual', true);
    expect(ok.error).toBeNull();
    const log = readFileSync(svc.log.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const shipped = log.filter((e) => e.event === 'shipped' && e.seq === slice.seq).at(-1)!;
    expect(Number(shipped.resumedFrom)).toBeGreaterThan(0);
    expect(Number(shipped.sent)).toBeLessThan(slice.manifest.bytes);
    const after = svc.store.slice(chainId, slice.seq)!;
    expect(after.state).toBe('applied');
    expect(after.applyCount).toBe(1);
    expect(await bed.dr.db('soar').collection('blobs').countDocuments()).toBe(12);
    // Six slices now: keeping the last 5 on each side prunes the (applied) baseline's files on both.
    const baseline = svc.store.slice(chainId, 0)!;
    expect(baseline.localDeleted && baseline.remoteDeleted).toBe(true);
    expect(existsSync(join(bed.sshd.landingDir, baseline.manifest.archive))).toBe(false);
    expect(existsSync(join(svc.pipeline.outbox, baseline.manifest.archive))).toBe(false);
    expect(existsSync(join(bed.sshd.landingDir, slice.manifest.archive))).toBe(true);
  });

  it('rejects a shipped archive with one flipped byte: checksum error, red, shipped again, applied', async () => {
    const svc = await bed.restartService();
    await coll(bed.dc, 'cases').insertOne({ _id: 'flip-me', v: 1 });
    const run = phaseRun(bed);
    await svc.pipeline.capture(run);
    const landing = svc.pipeline.landing();
    try {
      await svc.pipeline.ship(run, landing);
      const chainId = svc.status().chain!.chainId;
      const slice = svc.store.slices(chainId).at(-1)!;
      const remote = join(bed.sshd.landingDir, slice.manifest.archive);
      const bytes = readFileSync(remote);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(remote, bytes);
      await expect(svc.pipeline.apply(run, landing)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
      const st = svc.status();
      expect(st.level).toBe('red');
      expect(st.reasons.find((r) => r.code === 'BACKUP_FAILING')?.message).toMatch(/sha256/);
      expect(st.chain!.slices.at(-1)).toMatchObject({ state: 'failed', problem: { code: 'CHECKSUM_MISMATCH' } });
      expect(await coll(bed.dr, 'cases').findOne({ _id: 'flip-me' })).toBeNull();
    } finally {
      landing.close();
    }
    const again = await svc.run('cycle', 'manual', true);
    expect(again.error).toBeNull();
    const st = svc.status();
    const fixed = st.chain!.slices.find((s) => s.problem?.code === 'CHECKSUM_MISMATCH')!;
    expect(fixed.state).toBe('applied');
    expect(fixed.shipAttempts).toBe(2);
    expect(await coll(bed.dr, 'cases').findOne({ _id: 'flip-me' })).toMatchObject({ v: 1 });
    expect(st.level).toBe('green');
  });

  it('refuses a changed host key with the old and new fingerprints, until the operator trusts the new one', async () => {
    const svc = await bed.restartService();
    const old = bed.sshd.hostKeyFingerprint();
    await bed.sshd.restart({ newHostKey: true });
    const fresh = bed.sshd.hostKeyFingerprint();
    await coll(bed.dc, 'cases').insertOne({ _id: 'after-rekey' });
    const refused = await svc.run('cycle', 'manual', true);
    expect(refused.error?.code).toBe('SSH_HOST_KEY_CHANGED');
    expect(refused.error?.message).toContain(old);
    expect(refused.error?.message).toContain(fresh);
    expect(svc.status().landing?.fingerprint).toBe(old);
    expect(svc.status().reasons.find((r) => r.code === 'BACKUP_FAILING')?.message).toContain(fresh);
    svc.trustHostKey(`${bed.sshd.host}:${bed.sshd.port}`, fresh);
    const ok = await svc.run('cycle', 'manual', true);
    expect(ok.error).toBeNull();
    expect(await coll(bed.dr, 'cases').findOne({ _id: 'after-rekey' })).not.toBeNull();
  });

  it('detects a deleted slice as a gap: red, nothing after it applied, until a new baseline', async () => {
    const svc = await bed.restartService();
    const cases = coll(bed.dc, 'cases');
    for (const id of ['gap-1', 'gap-2', 'gap-3']) {
      await cases.insertOne({ _id: id });
      await svc.pipeline.capture(phaseRun(bed));
    }
    const chainId = svc.status().chain!.chainId;
    const [s1, s2, s3] = svc.store.slices(chainId).slice(-3);
    rmSync(join(svc.pipeline.outbox, s2.manifest.archive));
    const broken = await svc.run('cycle', 'manual', true);
    expect(broken.error?.code).toBe('BACKUP_CHAIN_BROKEN');
    expect(broken.error?.message).toMatch(/chain broken — a new baseline is needed/i);
    expect(svc.store.slice(chainId, s1.seq)!.state).toBe('applied');
    expect(svc.store.slice(chainId, s2.seq)!.problem?.code).toBe('SLICE_MISSING');
    expect(svc.store.slice(chainId, s3.seq)!.state).not.toBe('applied');
    const st = svc.status();
    expect(st.level).toBe('red');
    expect(st.needsBaseline).toBe(true);
    expect(st.reasons[0]).toMatchObject({ code: 'BACKUP_CHAIN_BROKEN', level: 'red' });
    expect(st.chain!.slices.find((s) => s.seq === s3.seq)!.blocked).toBe(true);
    expect(await cases.countDocuments({ _id: 'gap-3' })).toBe(1);
    expect(await coll(bed.dr, 'cases').findOne({ _id: 'gap-3' })).toBeNull();

    const still = await svc.run('cycle', 'manual', true);
    expect(still.error?.code).toBe('BACKUP_CHAIN_BROKEN');
    expect(await coll(bed.dr, 'cases').findOne({ _id: 'gap-3' })).toBeNull();

    const base = await svc.run('baseline', 'manual', true);
    expect(base.error).toBeNull();
    expect(await coll(bed.dr, 'cases').findOne({ _id: 'gap-3' })).not.toBeNull();
    const after = svc.status();
    expect(after.chain!.chainId).not.toBe(chainId);
    expect(after.needsBaseline).toBe(false);
    expect(after.level).toBe('green');
    const [dcData, drData] = await Promise.all([snapshot(bed.dc), snapshot(bed.dr)]);
    for (const [ns, docs] of dcData) expect(drData.get(ns), ns).toEqual(docs);
  });

  it('verifies the whole chain on both sides', async () => {
    const report = await bed.service.verify(true);
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('never writes the canary SSH password to the data directory, logs or SQLite files', () => {
    const canary = Buffer.from(bed.sshd.password);
    const files = [...filesUnder(bed.dataDir), join(bed.sshd.dir, 'sshd.log')];
    expect(files.some((f) => f.endsWith('desk.sqlite'))).toBe(true);
    expect(files.some((f) => f.endsWith('backup.log'))).toBe(true);
    for (const f of files) if (statSync(f).size > 0) expect(readFileSync(f).includes(canary), f).toBe(false);
  });
});

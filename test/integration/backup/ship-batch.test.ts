import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src/main/backup/progress';
import type { RunContext } from '../../../src/main/backup/pipeline';
import type { BackupService } from '../../../src/main/backup/service';
import { sshdSkipReason } from '../../helpers/sshd';
import { snapshot, startBed, type Bed } from './harness';

type LogEvent = Record<string, unknown> & { event: string };
const logOf = (svc: BackupService): LogEvent[] => readFileSync(svc.log.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEvent);

function phaseRun(svc: BackupService): RunContext {
  const rec = svc.store.startCycle('cycle', 'manual', new Date(Date.now() + 60_000));
  return { cycleId: rec.id, progress: new ProgressTracker({ cycleId: rec.id, kind: 'cycle' }, () => undefined) };
}

/** A backlog of small slices goes to the real sshd as one batch; a slice of the batch that fails does not hold back the others. */
describe.skipIf(sshdSkipReason !== null)('shipping small slices in batches', () => {
  let bed: Bed;
  let svc: BackupService;

  beforeAll(async () => {
    bed = await startBed();
    svc = await bed.restartService();
    await bed.dc.db('soar').collection('cases').insertOne({ _id: 'first' } as never);
    expect((await svc.run('baseline', 'manual', true)).error).toBeNull();
  });
  afterAll(async () => {
    await bed?.close();
  });

  async function backlog(n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      await bed.dc.db('soar').collection('cases').insertOne({ _id: `${tag}-${i}` } as never);
      await svc.pipeline.capture(phaseRun(svc));
    }
  }

  it('ships a backlog of slices as one batch (one remote sha256 for all) and applies each once', async () => {
    await backlog(6, 'a');
    const c = await svc.run('cycle', 'manual', true);
    expect(c.error).toBeNull();
    expect(c.shipped).toBe(6);
    expect(c.applied).toBe(6);
    const shipped = logOf(svc).filter((e) => e.event === 'shipped' && Number(e.seq) >= 1);
    expect(shipped.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(shipped.every((e) => e.batch === 6)).toBe(true);
    const chain = svc.status().chain!;
    expect(svc.store.slices(chain.chainId).every((s) => s.state === 'applied' && s.applyCount === 1)).toBe(true);
    const [dc, dr] = await Promise.all([snapshot(bed.dc), snapshot(bed.dr)]);
    expect(dr.get('soar.cases')).toEqual(dc.get('soar.cases'));
  });

  it('a slice whose copy fails the check at the landing fails alone: the others of the batch are verified, it is sent again next time', async () => {
    await backlog(4, 'b');
    const chainId = svc.status().chain!.chainId;
    const victim = svc.store.slices(chainId).at(-2)!;
    const path = join(svc.pipeline.outbox, victim.manifest.archive);
    copyFileSync(path, `${path}.good`);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
    const failed = await svc.run('cycle', 'manual', true);
    expect(failed.error?.code).toBe('CHECKSUM_REMOTE_MISMATCH');
    const states = svc.store.slices(chainId).slice(-4).map((s) => [s.seq, s.state]);
    // The batch verified the others; the apply stops at the gap the failed one leaves (order is kept).
    expect(states).toEqual([
      [victim.seq - 2, 'applied'],
      [victim.seq - 1, 'applied'],
      [victim.seq, 'failed'],
      [victim.seq + 1, 'verified'],
    ]);
    copyFileSync(`${path}.good`, path);
    const ok = await svc.run('cycle', 'manual', true);
    expect(ok.error).toBeNull();
    expect(svc.store.slices(chainId).every((s) => s.state === 'applied' && s.applyCount === 1)).toBe(true);
    const [dc, dr] = await Promise.all([snapshot(bed.dc), snapshot(bed.dr)]);
    expect(dr.get('soar.cases')).toEqual(dc.get('soar.cases'));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdSkipReason } from '../../helpers/sshd';
import { startBed, type Bed } from './harness';

const skip = sshdSkipReason;

describe.skipIf(skip !== null)(`backup pipeline: DC oplog rolled past the captured position${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed({ sandbox: { oplogSizeBytes: 128 * 1024 } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('turns red "chain broken — a new baseline is needed" and applies nothing more', async () => {
    const events = bed.dc.db('soar').collection<{ _id: number; pad?: string }>('events');
    await events.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i })));
    const base = await bed.service.run('baseline', 'manual', true);
    expect(base.error).toBeNull();
    const { chainId } = bed.service.status().chain!;
    for (let i = 0; i < 40; i++) await events.insertMany(Array.from({ length: 10 }, (_, j) => ({ _id: 1000 + i * 10 + j, pad: 'x'.repeat(1024) })));

    const c = await bed.service.run('cycle', 'manual', true);
    expect(c.state).toBe('failed');
    expect(c.error?.code).toBe('BACKUP_CHAIN_BROKEN');
    expect(c.error?.message).toMatch(/chain broken — a new baseline is needed/i);
    expect(c.error?.message).toMatch(/oplog no longer holds the last captured position/);
    const st = bed.service.status();
    expect(st.level).toBe('red');
    expect(st.needsBaseline).toBe(true);
    expect(st.chain).toMatchObject({ chainId, state: 'broken', broken: { code: 'OPLOG_ROLLED' } });
    expect(st.reasons[0]).toMatchObject({ code: 'BACKUP_CHAIN_BROKEN', level: 'red' });
    expect(await bed.dr.db('soar').collection('events').countDocuments()).toBe(20);

    const again = await bed.service.run('cycle', 'manual', true);
    expect(again.error?.code).toBe('BACKUP_CHAIN_BROKEN');
    expect(bed.service.store.slices(chainId)).toHaveLength(1);

    const fresh = await bed.service.run('baseline', 'manual', true);
    expect(fresh.error).toBeNull();
    expect(await bed.dr.db('soar').collection('events').countDocuments()).toBe(420);
    expect(bed.service.status().level).toBe('green');
  });
});

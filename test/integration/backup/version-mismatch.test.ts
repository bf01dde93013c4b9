import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdSkipReason } from '../../helpers/sshd';
import { startBed, type Bed } from './harness';

const skip = sshdSkipReason;

// DR runs another major release than DC (a half-finished upgrade): the pipeline must refuse before it drops or
// writes anything on DR, and say why.
describe.skipIf(skip !== null)(`backup pipeline: DC 7.0 → DR 6.0${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: Bed;

  beforeAll(async () => {
    bed = await startBed({ sandbox: { serverVersions: { DR: '6.0.14' } } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('refuses the baseline with VERSION_MISMATCH before anything is applied on DR, and turns red', async () => {
    const dcInfo = await bed.dc.db('admin').command({ buildInfo: 1 });
    const drInfo = await bed.dr.db('admin').command({ buildInfo: 1 });
    expect(dcInfo.version).toBe('7.0.0');
    expect(drInfo.version).toBe('6.0.14');

    await bed.dc.db('soar').collection('cases').insertOne({ _id: 'must-not-reach-dr' } as never);
    const drMarker = bed.dr.db('keep').collection('marker');
    await drMarker.insertOne({ _id: 'dr-own-data' } as never);

    const rec = await bed.service.run('baseline', 'manual', true);
    expect(rec.state).toBe('failed');
    expect(rec.error?.code).toBe('VERSION_MISMATCH');
    expect(rec.error?.message).toMatch(/7\.0/);
    expect(rec.error?.message).toMatch(/6\.0/);

    expect(await bed.dr.db('soar').collection('cases').countDocuments()).toBe(0);
    expect(await drMarker.countDocuments()).toBe(1);
    const st = bed.service.status();
    expect(st.level).toBe('red');
    expect(st.reasons.map((r) => r.message).join(' ')).toMatch(/version|7\.0|6\.0/i);
  });
});

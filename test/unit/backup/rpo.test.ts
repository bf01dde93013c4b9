import { describe, expect, it } from 'vitest';
import type { ChainRow, SliceRow } from '../../../src/main/backup/backup-store';
import { backupLevel, backupReasons, computeRpo, rpoLevel, worstPerBucket } from '../../../src/main/backup/rpo';
import type { CycleRecord } from '../../../src/shared/api/backup';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const chain = (over: Partial<ChainRow> = {}): ChainRow => ({
  chainId: 'c1',
  replicaSet: 'rs-dc',
  createdAt: '2026-11-23T07:00:00Z',
  state: 'active',
  broken: null,
  capturedSeq: 3,
  capturedTs: '30:1',
  appliedSeq: 3,
  appliedTs: '30:1',
  appliedWall: T0 - 40_000,
  targetTs: null,
  idleCheckedAt: null,
  ...over,
});
const applied = (headCheckedAt: number): SliceRow =>
  ({ chainId: 'c1', seq: 3, state: 'applied', problem: null, manifest: { headCheckedAt: new Date(headCheckedAt).toISOString() } }) as unknown as SliceRow;
const cycle = (state: CycleRecord['state'], code?: string): CycleRecord => ({
  id: 1,
  kind: 'cycle',
  trigger: 'schedule',
  state,
  startedAt: '',
  deadlineAt: '',
  finishedAt: '',
  error: code ? { code, message: `${code} happened` } : null,
  captured: 0,
  shipped: 0,
  applied: 0,
  bytes: 0,
});
const base = { subject: 'DC→DR', now: T0, intervalMinutes: 1, enabled: true, slices: [] as SliceRow[], recentCycles: [] as CycleRecord[] };

describe('cross-site RPO', () => {
  it('is now minus the DC wall time of the last applied entry', () => {
    const rpo = computeRpo(T0, 90, chain(), applied(T0 - 50_000));
    expect(rpo.seconds).toBe(40);
    expect(rpo.level).toBe('green');
    expect(rpo.lastAppliedWall).toBe(new Date(T0 - 40_000).toISOString());
  });

  it('counts from the capture start when DC had written nothing newer (an idle DC is not data loss)', () => {
    expect(computeRpo(T0, 90, chain({ appliedWall: T0 - 3_600_000 }), applied(T0 - 20_000)).seconds).toBe(20);
    expect(computeRpo(T0, 90, chain({ appliedWall: T0 - 3_600_000, idleCheckedAt: T0 - 5_000 }), applied(T0 - 600_000)).seconds).toBe(5);
    // An idle check only counts when every captured slice is applied.
    expect(computeRpo(T0, 90, chain({ appliedWall: T0 - 300_000, capturedSeq: 4, idleCheckedAt: T0 - 5_000 }), applied(T0 - 600_000)).seconds).toBe(300);
  });

  it('is unknown before anything was applied and grades yellow then red against the target', () => {
    expect(computeRpo(T0, 90, null, null)).toMatchObject({ seconds: null, level: 'unknown' });
    expect(rpoLevel(90, 90)).toBe('green');
    expect(rpoLevel(91, 90)).toBe('yellow');
    expect(rpoLevel(181, 90)).toBe('red');
  });

  it('names the cause: transfer failing, apply failing, interval too long, chain broken', () => {
    const late = computeRpo(T0, 90, chain({ appliedWall: T0 - 200_000 }), applied(T0 - 200_000));
    const transfer = backupReasons({ ...base, rpo: late, chain: chain(), recentCycles: [cycle('failed', 'SSH_UNREACHABLE'), cycle('failed', 'SSH_UNREACHABLE'), cycle('failed', 'SSH_UNREACHABLE')] });
    expect(transfer.map((r) => r.code)).toEqual(['BACKUP_FAILING', 'BACKUP_RPO']);
    expect(transfer[0]).toMatchObject({ level: 'red' });
    expect(transfer[1].message).toMatch(/transfer is failing/);
    expect(backupLevel(transfer, late)).toBe('red');

    const apply = backupReasons({ ...base, rpo: late, chain: chain(), recentCycles: [cycle('failed', 'CHECKSUM_MISMATCH')] });
    expect(apply[0]).toMatchObject({ code: 'BACKUP_FAILING', level: 'yellow' });
    expect(apply[1].message).toMatch(/apply is failing/);

    const slow = computeRpo(T0, 90, chain({ appliedWall: T0 - 150_000 }), applied(T0 - 150_000));
    expect(backupReasons({ ...base, rpo: slow, intervalMinutes: 30, chain: chain(), recentCycles: [cycle('ok')] })[0].message).toMatch(/interval \(30 min\) is too long/);
    const fresh = computeRpo(T0, 90, chain(), applied(T0 - 10_000));
    const config = backupReasons({ ...base, rpo: fresh, intervalMinutes: 30, chain: chain() });
    expect(config).toHaveLength(1);
    expect(config[0]).toMatchObject({ code: 'BACKUP_RPO', level: 'yellow' });
    expect(config[0].message).toMatch(/at most 1 min/);

    const broken = backupReasons({ ...base, rpo: late, chain: chain({ state: 'broken', broken: { code: 'OPLOG_ROLLED', message: 'DC oplog rolled', at: '' } }) });
    expect(broken[0]).toMatchObject({ code: 'BACKUP_CHAIN_BROKEN', level: 'red' });
    expect(broken[0].message).toMatch(/chain broken — a new baseline is needed/i);
    expect(backupReasons({ ...base, rpo: fresh, chain: null })[0].message).toMatch(/No baseline/);
    expect(backupReasons({ ...base, rpo: fresh, chain: chain(), recentCycles: [cycle('ok')] })).toEqual([]);
  });

  it('reasons with the slice period in continuous mode and with the interval in interval mode', () => {
    const fresh = computeRpo(T0, 90, chain(), applied(T0 - 10_000));
    const slow = computeRpo(T0, 90, chain({ appliedWall: T0 - 150_000 }), applied(T0 - 150_000));
    const continuous = { ...base, mode: 'continuous' as const, intervalMinutes: 30, chain: chain(), recentCycles: [cycle('ok')] };
    // A 30-minute interval setting does not matter while continuous slices arrive every 5 s.
    expect(backupReasons({ ...continuous, rpo: fresh, sliceSeconds: 5 })).toEqual([]);
    const behind = backupReasons({ ...continuous, rpo: slow, sliceSeconds: 5 });
    expect(behind).toHaveLength(1);
    expect(behind[0].message).toMatch(/continuous backup is behind/);
    expect(behind[0].message).not.toMatch(/interval|cycles are late/);
    // A slice period at or over the target cannot hold it, whatever the interval says.
    const long = backupReasons({ ...continuous, intervalMinutes: 1, rpo: fresh, sliceSeconds: 90 });
    expect(long).toHaveLength(1);
    expect(long[0]).toMatchObject({ code: 'BACKUP_RPO', level: 'yellow' });
    expect(long[0].message).toMatch(/slice period \(90 s\) cannot hold the RPO target of 90 s: set slices of at most 60 s/);
    expect(backupReasons({ ...continuous, rpo: slow, sliceSeconds: 120 })[0].message).toMatch(/slice period \(120 s\) is too long/);
    // Without a slice setting continuous mode uses the runner's default of 5 s.
    expect(backupReasons({ ...continuous, rpo: fresh })).toEqual([]);
    // Interval mode with the same inputs still reasons with the interval.
    const interval = backupReasons({ ...continuous, mode: 'interval', rpo: fresh, sliceSeconds: 5 });
    expect(interval[0].message).toMatch(/backup interval \(30 min\) cannot hold/);
    expect(backupReasons({ ...continuous, mode: 'interval', rpo: slow })[0].message).toMatch(/interval \(30 min\) is too long/);
  });
});

describe('worstPerBucket', () => {
  it('keeps every sample up to the limit and, beyond it, each bucket’s worst (a null counts as the least)', () => {
    const rows = [5, 1, null, 9, 2, 3, 8, 0].map((seconds, i) => ({ at: i * 1000, seconds }));
    expect(worstPerBucket(rows, 8)).toHaveLength(8);
    expect(worstPerBucket(rows, 4)).toEqual([[0, 5], [3000, 9], [5000, 3], [6000, 8]]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackupScheduler, CycleGate } from '../../../src/main/backup/scheduler';
import { backoffDelay, withRetry } from '../../../src/main/backup/retry';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('cycle gate', () => {
  it('never runs two cycles at once', async () => {
    const gate = new CycleGate();
    let release!: () => void;
    const first = gate.run('cycle', 60_000, () => undefined, () => new Promise<void>((r) => (release = r)));
    await expect(gate.run('cycle', 60_000, () => undefined, async () => 1)).rejects.toMatchObject({ code: 'BACKUP_BUSY' });
    release();
    await first;
    await expect(gate.run('cycle', 60_000, () => undefined, async () => 2)).resolves.toBe(2);
  });

  it('declares a cycle failed at its deadline and aborts it, keeping the gate closed until it stops', async () => {
    const gate = new CycleGate();
    const onDeadline = vi.fn();
    let seen: unknown = null;
    const run = gate.run('cycle', 5_000, onDeadline, (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => {
      seen = signal.reason;
      setTimeout(resolve, 1_000);
    })));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(onDeadline).toHaveBeenCalledOnce();
    expect(seen).toMatchObject({ code: 'CYCLE_DEADLINE' });
    expect(gate.running?.overran).toBe(true);
    await expect(gate.run('cycle', 1, () => undefined, async () => 0)).rejects.toThrow(/past its deadline/);
    await vi.advanceTimersByTimeAsync(1_000);
    await run;
    expect(gate.running).toBeNull();
  });
});

describe('scheduler', () => {
  it('runs at the interval from the previous start and delays (never stacks) an overrunning cycle', async () => {
    const starts: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const durations = [1_000, 150_000, 1_000, 1_000];
    const s = new BackupScheduler({
      schedule: () => ({ intervalMs: 60_000, enabled: true }),
      cycle: async () => {
        starts.push(Date.now());
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, durations[starts.length - 1] ?? 1_000));
        inFlight--;
      },
    });
    const t0 = Date.now();
    s.start();
    await vi.advanceTimersByTimeAsync(400_000);
    await s.stop();
    const rel = starts.map((t) => Math.round((t - t0) / 1000) * 1000);
    expect(rel.slice(0, 4)).toEqual([60_000, 120_000, 270_000, 330_000]);
    expect(maxInFlight).toBe(1);
  });

  it('follows a schedule change and pauses when disabled', async () => {
    let intervalMs = 60_000;
    let enabled = true;
    const cycle = vi.fn(async () => undefined);
    const s = new BackupScheduler({ schedule: () => ({ intervalMs, enabled }), cycle });
    s.start();
    intervalMs = 120_000;
    s.reschedule();
    await vi.advanceTimersByTimeAsync(119_000);
    expect(cycle).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(cycle).toHaveBeenCalledOnce();
    enabled = false;
    s.reschedule();
    expect(s.nextRunAt).toBeNull();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(cycle).toHaveBeenCalledOnce();
    await s.stop();
  });

  it('keeps going after a failed cycle', async () => {
    const cycle = vi.fn(async () => {
      throw new Error('boom');
    });
    const s = new BackupScheduler({ schedule: () => ({ intervalMs: 60_000, enabled: true }), cycle });
    s.start(true);
    await vi.advanceTimersByTimeAsync(125_000);
    expect(cycle).toHaveBeenCalledTimes(3);
    await s.stop();
  });
});

describe('retries', () => {
  it('backs off exponentially up to a cap and gives up on final errors', async () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, 1_000, 5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    const delays: number[] = [];
    let n = 0;
    const p = withRetry(async () => {
      if (++n < 3) throw new Error('flaky');
      return 'ok';
    }, { attempts: 5, baseMs: 100, maxMs: 1_000, onRetry: (_e, _a, d) => delays.push(d) });
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toBe('ok');
    expect(delays).toEqual([100, 200]);
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new Error('final');
    }, { attempts: 5, baseMs: 1, maxMs: 1, retryable: () => false })).rejects.toThrow('final');
    expect(calls).toBe(1);
  });
});

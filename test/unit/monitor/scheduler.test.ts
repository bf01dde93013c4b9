import { describe, expect, it } from 'vitest';
import { PollScheduler } from '../../../src/main/monitor/scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PollScheduler', () => {
  it('never overlaps cycles, even when a cycle overruns the interval', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const s = new PollScheduler(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(60);
      running--;
      runs++;
    }, 20);
    s.start();
    await Promise.all([s.runNow(), s.runNow()]);
    await sleep(250);
    await s.stop();
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    const after = runs;
    await sleep(100);
    expect(runs).toBe(after);
  });

  it('keeps its rhythm: a fast cycle waits for the rest of the interval', async () => {
    const starts: number[] = [];
    const s = new PollScheduler(async () => void starts.push(Date.now()), 100);
    s.start();
    await sleep(350);
    await s.stop();
    expect(starts.length).toBeGreaterThanOrEqual(3);
    expect(starts.length).toBeLessThanOrEqual(5);
  });

  it('a failing cycle does not stop the schedule', async () => {
    let n = 0;
    const s = new PollScheduler(async () => {
      n++;
      throw new Error('boom');
    }, 10);
    const warn = process.emitWarning;
    process.emitWarning = () => undefined;
    s.start();
    await sleep(80);
    await s.stop();
    process.emitWarning = warn;
    expect(n).toBeGreaterThan(2);
  });
});

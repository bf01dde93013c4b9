import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { BackupMode } from '../../../src/shared/api/backup';
import { BackupLog } from '../../../src/main/backup/backup-log';
import { BackupStore } from '../../../src/main/backup/backup-store';
import { ModeSwitch, parseMode, type ModeRunners } from '../../../src/main/backup/mode-switch';

/**
 * The switch's order of things with runners that only record what is asked of them: stop first (the
 * runner's own clean stop), the tailer started only once a cycle run by hand has left the gate, the mode
 * the setting names by the time the stop finished, nothing started once the service stopped.
 */
function bed(opts: { fixed?: BackupMode; started?: boolean } = {}) {
  const store = new BackupStore(new Database(':memory:'));
  const lines: Array<Record<string, unknown>> = [];
  const log = new BackupLog(null, undefined, (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const calls: string[] = [];
  const state = { started: opts.started ?? true, running: 'interval' as BackupMode | null, busy: null as string | null, stopMs: 0, statuses: 0 };
  const runners: ModeRunners = {
    fixed: opts.fixed,
    store,
    log,
    sliceSeconds: 5,
    followEveryMs: 15_000,
    started: () => state.started,
    running: () => state.running,
    wanted: () => sw.mode(),
    busy: () => state.busy,
    stopRunner: async () => {
      calls.push(`stop ${state.running}`);
      await new Promise((r) => setTimeout(r, state.stopMs));
      state.running = null;
    },
    startRunner: () => {
      state.running = sw.mode();
      calls.push(`start ${state.running}`);
    },
    emitStatus: () => void state.statuses++,
  };
  const sw = new ModeSwitch(runners);
  return { sw, store, lines, calls, state };
}

describe('backup mode switch', () => {
  it('parses only the two modes', () => {
    expect(parseMode('continuous')).toBe('continuous');
    for (const bad of ['Continuous', '', null, 3, { mode: 'interval' }]) expect(() => parseMode(bad)).toThrow(expect.objectContaining({ code: 'BACKUP_MODE' }));
  });

  it('persists, logs who asked, stops the running mode and then starts the other', async () => {
    const b = bed();
    expect(b.sw.view()).toEqual({ current: 'interval', source: 'default', sliceSeconds: 5, switching: null });
    b.state.stopMs = 50;
    const change = b.sw.set('continuous', 'alice via DeskApi');
    expect(change).toMatchObject({ mode: 'continuous', changed: true });
    expect(b.store.setting('mode')).toBe('continuous');
    expect(b.sw.view()).toMatchObject({ current: 'continuous', source: 'setting', switching: 'the schedule to stop' });
    await b.sw.settled();
    expect(b.calls).toEqual(['stop interval', 'start continuous']);
    expect(b.sw.view().switching).toBeNull();
    expect(b.lines.map((l) => [l.event, l.from, l.to, l.by])).toEqual([
      ['mode-changed', 'interval', 'continuous', 'alice via DeskApi'],
      ['mode-switched', 'interval', 'continuous', undefined],
    ]);
    expect(b.state.statuses).toBeGreaterThanOrEqual(2);
  });

  it('says so and does nothing when the mode is already in use', async () => {
    const b = bed();
    expect(b.sw.set('interval', 'x')).toEqual({ mode: 'interval', changed: false, message: 'Already in interval mode (cycles on the schedule): nothing changed.' });
    await b.sw.settled();
    expect(b.calls).toEqual([]);
    expect(b.lines).toEqual([]);
    expect(b.store.setting('mode')).toBeNull();
  });

  it('starts the tailer only after a cycle run by hand has left the gate', async () => {
    const b = bed();
    b.state.busy = 'baseline';
    b.sw.set('continuous', 'x');
    await new Promise((r) => setTimeout(r, 400));
    expect(b.calls).toEqual(['stop interval']);
    expect(b.sw.view().switching).toBe('baseline to finish');
    b.state.busy = null;
    await b.sw.settled();
    expect(b.calls).toEqual(['stop interval', 'start continuous']);
  });

  it('switched back before the switch began: nothing stopped or started', async () => {
    const b = bed();
    b.sw.set('continuous', 'x');
    b.sw.set('interval', 'x');
    await b.sw.settled();
    expect(b.calls).toEqual([]);
    expect(b.lines.map((l) => l.event)).toEqual(['mode-changed', 'mode-changed']);
  });

  it('switched back while stopping: runs what the setting says by then; a second switch waits for the first', async () => {
    const b = bed();
    b.state.stopMs = 100;
    b.sw.set('continuous', 'x');
    await new Promise((r) => setTimeout(r, 30));
    b.sw.set('interval', 'x');
    await b.sw.settled();
    // The first switch found interval wanted once its stop finished and started it again; the second had nothing to do.
    expect(b.calls).toEqual(['stop interval', 'start interval']);
    expect(b.state.running).toBe('interval');
  });

  it('starts nothing once the service stopped during the switch', async () => {
    const b = bed();
    b.state.stopMs = 50;
    b.sw.set('continuous', 'x');
    await new Promise((r) => setTimeout(r, 10));
    b.state.started = false;
    await b.sw.settled();
    expect(b.calls).toEqual(['stop interval']);
  });

  it('not started (the CLI): saved, nothing stopped or started, the message says a running desk follows', async () => {
    const b = bed({ started: false });
    b.state.running = null;
    expect(b.sw.set('continuous', 'cli').message).toMatch(/^Saved: continuous mode .*switches within 15 s/);
    await b.sw.settled();
    expect(b.calls).toEqual([]);
  });

  it('a started service follows a setting another process wrote, once', async () => {
    const b = bed();
    b.store.setSetting('mode', 'continuous');
    b.sw.follow();
    b.sw.follow();
    await b.sw.settled();
    expect(b.calls).toEqual(['stop interval', 'start continuous']);
    b.sw.follow();
    await b.sw.settled();
    expect(b.calls).toHaveLength(2);
    expect(b.lines.filter((l) => l.event === 'mode-followed')).toHaveLength(1);
  });

  it('refuses every change while the agent flag fixes the mode, and shows it as the agent\'s', () => {
    const b = bed({ fixed: 'continuous' });
    expect(b.sw.view()).toMatchObject({ current: 'continuous', source: 'agent' });
    expect(() => b.sw.set('interval', 'x')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE_FIXED' }));
    expect(() => b.sw.set('continuous', 'x')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE_FIXED' }));
    expect(() => b.sw.set('weekly', 'x')).toThrow(expect.objectContaining({ code: 'BACKUP_MODE' }));
    expect(b.store.setting('mode')).toBeNull();
  });
});

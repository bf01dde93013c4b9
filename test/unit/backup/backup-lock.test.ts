import { spawnSync, spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupStore } from '../../../src/main/backup/backup-store';

/** The per-data-directory lock: a dead holder never blocks, a live one is never overridden or reported interrupted. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('backup lock', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('a holder whose pid is gone does not block a restart, although its lock has not expired', () => {
    const store = new BackupStore(new Database(':memory:'));
    expect(store.acquireLock('pid X (dead)', 'cycle', 60_000, deadPid()).ok).toBe(true);
    const r = store.acquireLock('me', 'cycle', 60_000);
    expect(r.ok).toBe(true);
  });

  it('a live holder of another process blocks, and its running cycle is not failed by a status read', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(child);
    const db = new Database(':memory:');
    const store = new BackupStore(db);
    expect(store.acquireLock('the other process', 'cycle', 60_000, child.pid!).ok).toBe(true);
    const rec = store.startCycle('cycle', 'schedule', new Date(Date.now() + 60_000));
    const r = store.acquireLock('me', 'cycle', 60_000);
    expect(r).toEqual({ ok: false, owner: 'the other process', label: 'cycle' });
    // A second BackupStore (the CLI's `backup status`) opening the same database.
    expect(new BackupStore(db).failInterruptedCycles()).toBe(0);
    expect(store.cycle(rec.id)?.state).toBe('running');
    // Once that process is gone, its cycle is failed as interrupted.
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(store.failInterruptedCycles()).toBe(1);
    expect(store.cycle(rec.id)?.error?.code).toBe('CYCLE_INTERRUPTED');
  });

  it('an expired lock is free even when its pid runs (another host, or a frozen process)', () => {
    const store = new BackupStore(new Database(':memory:'));
    expect(store.acquireLock('frozen', 'cycle', -1, process.pid).ok).toBe(true);
    expect(store.acquireLock('me', 'cycle', 60_000).ok).toBe(true);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor } from '../../../src/main/runbooks/executor';
import { createHandlers } from '../../../src/main/runbooks/steps/index';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { recordingBackup, startHarness, type RunbookHarness } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const settings = { sandboxApps: true, fenceSeconds: 60, trafficHook: { kind: 'command' as const, argv: [process.execPath, '-e', '', '{site}'] } };
let h: RunbookHarness;
let child: ChildProcess | null = null;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await h?.close();
});

function stepRow(id: string, stepN: number): { status: string } | undefined {
  return h.db.prepare('SELECT status FROM rb_step_runs WHERE execution_id = ? AND step_n = ? ORDER BY id DESC LIMIT 1').get(id, stepN) as { status: string } | undefined;
}

describe('the engine killed in the middle of DR activation', () => {
  it('after the slice is applied and before services start: interrupted at that step; resume completes without applying again', async () => {
    await h.sandbox.fault({ action: 'kill', target: 'DC' });
    const appliesFile = join(dirname(h.dbFile), 'applies.log');
    child = spawn(process.execPath, ['--import', 'tsx', join(here, 'executor-child.ts')], {
      env: { ...process.env, DRDESK_CHILD: JSON.stringify({ topology: h.sandbox.topology, control: h.sandbox.description.control, dbFile: h.dbFile, appliesFile, settings }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const id = await new Promise<string>((resolve, reject) => {
      child!.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child!.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const plan = h.executor.get(id).plan;
    const apply = plan.steps.find((s) => s.id === 'apply-slice')!;
    const promote = plan.steps.find((s) => s.id === 'promote-rs-dr')!;
    const startApp = plan.steps.find((s) => s.id === 'start-app-sandbox')!;
    expect(startApp.n).toBeGreaterThan(promote.n);
    for (let i = 0; i < 300 && stepRow(id, promote.n)?.status !== 'started'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stepRow(id, apply.n)?.status).toBe('succeeded');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = null;
    expect(readFileSync(appliesFile, 'utf8')).toBe('child DC->DR\n');

    // Restart: a new engine over the same journal.
    const backup = recordingBackup();
    const handlers = createHandlers({ topology: h.topology, secrets: new MemorySecretStore(), pins: new HostKeyPins(h.db), mongo: h.mongo, backup, sandboxFault: (r) => h.sandbox.fault(r) });
    const restarted = new Executor({ db: h.db, handlers, audit: { append: () => undefined } });
    try {
      const v = restarted.get(id);
      expect(v).toMatchObject({ status: 'interrupted', interruptedAtStep: promote.n, resumable: true, confirmationNeededFor: null });
      expect(v.error?.message).toMatch(new RegExp(`step ${promote.n} "Make rs-dr on DR serve writes`));
      expect(v.steps.find((s) => s.id === 'start-app-sandbox')?.status).toBe('pending');
      restarted.resume(id, { by: 'operator after restart' });
      const done = await restarted.settled(id);
      expect(done.status, JSON.stringify(done.steps.map((s) => [s.id, s.status, s.error?.message]))).toBe('succeeded');
      expect(backup.applies).toEqual([]);
      expect(done.steps.find((s) => s.id === 'apply-slice')?.attempts).toHaveLength(1);
      expect(done.steps.find((s) => s.id === 'promote-rs-dr')?.attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
      expect((await fetch(h.topology.sites[1].appHealthUrls[0])).status).toBe(200);
      expect(existsSync(appliesFile) && readFileSync(appliesFile, 'utf8')).toBe('child DC->DR\n');
    } finally {
      restarted.close();
    }
  });
});

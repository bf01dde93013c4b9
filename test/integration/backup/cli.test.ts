import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { sshdSkipReason, startSshd, type SshdHandle } from '../../helpers/sshd';

/**
 * `drdesk backup …` and `drdesk agent` as an operator runs them: the landing password in the real OS
 * keychain (Secret Service), the topology in a file, exit codes by status level.
 */
const keyring = process.env.DRDESK_KEYRING_SESSION === '1';
const skip = sshdSkipReason ?? (keyring ? null : 'needs a Secret Service session (npm test runs integration tests under dbus-run-session with gnome-keyring)');
const BIN = fileURLToPath(new URL('../../../bin/drdesk.mjs', import.meta.url));

/** Runs the CLI as a child process; asynchronously, since the sandbox serves it from this process. */
function drdesk(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe.skipIf(skip !== null)(`drdesk backup and drdesk agent${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let sandbox: Sandbox;
  let sshd: SshdHandle;
  let dir: string;
  let common: string[];
  const secretName = `dr-landing-${process.pid}`;
  /** A Secret Service that answers reads but cannot store (a locked login keyring) skips these tests. */
  let keychainProblem: string | null = null;

  beforeAll(async () => {
    sandbox = await startSandbox({ fast: true });
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'drdesk-backup-cli-'));
    const t = sandbox.topology;
    const topology = {
      ...t,
      sites: t.sites.map((s) => (s.role === 'dr' ? { ...s, ssh: [{ name: 'dr-landing', host: sshd.host, port: sshd.port, username: sshd.user, hostKeySha256: sshd.hostKeyFingerprint(), passwordSecret: secretName, backupDir: sshd.landingDir }] } : s)),
      backup: { intervalMinutes: 1, keep: 5, from: 'DC', to: 'DR' },
    };
    writeFileSync(join(dir, 'topology.json'), JSON.stringify(topology));
    common = ['--topology', join(dir, 'topology.json'), '--data-dir', join(dir, 'data')];
    const set = await drdesk(['secret', 'set', secretName, '--kind', 'password', '--data-dir', join(dir, 'data')], sshd.password);
    if (set.code !== 0 && /KEYCHAIN_UNAVAILABLE/.test(set.stderr)) keychainProblem = set.stderr.trim();
    else expect(set.code, set.stderr).toBe(0);
  });
  afterAll(async () => {
    await drdesk(['secret', 'delete', secretName, '--data-dir', join(dir, 'data')]);
    await sandbox?.stop();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports red before a baseline, green after one, and verifies the chain', async (ctx) => {
    if (keychainProblem) return ctx.skip(keychainProblem);
    const before = await drdesk(['backup', 'status', '--json', ...common]);
    expect(before.code, before.stderr).toBe(2);
    expect(JSON.parse(before.stdout)).toMatchObject({ level: 'red', needsBaseline: true });

    const base = await drdesk(['backup', 'run', '--baseline', ...common]);
    expect(base.code, base.stdout + base.stderr).toBe(0);
    expect(base.stdout).toMatch(/baseline \(manual\).*: ok/);
    expect(base.stderr).toMatch(/copy:/);
    expect(base.stdout).toContain(sshd.hostKeyFingerprint());

    const verify = await drdesk(['backup', 'verify', ...common]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/: OK —/);

    const bad = await drdesk(['backup', 'launch', ...common]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/Unknown backup command "launch"/);
  });

  it('runs cycles headless in drdesk agent and stops cleanly on SIGTERM', async (ctx) => {
    if (keychainProblem) return ctx.skip(keychainProblem);
    await sandbox.startWorkload(20);
    const agent = spawn(process.execPath, [BIN, 'agent', '--run-now', ...common], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    agent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/"event":"cycle-ok"/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(out).toMatch(/"event":"cycle-ok"/);
    const code = await new Promise<number | null>((resolve) => {
      agent.once('exit', (c) => resolve(c));
      agent.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toMatch(/"event":"agent-stopping"/);
    await sandbox.stopWorkload();
    const status = await drdesk(['backup', 'status', '--json', ...common]);
    const st = JSON.parse(status.stdout) as { recentCycles: Array<{ trigger: string; state: string }> };
    expect(st.recentCycles.some((c) => c.trigger === 'schedule' && c.state === 'ok')).toBe(true);
    for (const f of readdirSync(join(dir, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()))
      expect(readFileSync(join(f.parentPath, f.name)).includes(Buffer.from(sshd.password)), f.name).toBe(false);
  });
});

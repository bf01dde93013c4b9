import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SandboxMember {
  name: string;
  host: string;
  role: 'primary' | 'secondary' | 'arbiter';
}

export interface WebHostRun {
  url: string;
  dataDir: string;
  control: string;
  sites: Array<{ name: string; replicaSet: string; members: SandboxMember[] }>;
  /** POST {control}/fault, e.g. { action: 'kill', target: 'dc-1' }. */
  fault(req: Record<string, unknown>): Promise<void>;
  /** Stops the web host (and with it the sandbox it started); the page loses its connection. */
  stop(): Promise<void>;
  output(): string;
}

/** `drdesk web --fast --data-dir <tmp>` as a child process; resolves once it printed its URL line. */
export async function startWebHost(extraArgs: string[] = []): Promise<WebHostRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/drdesk.mjs', 'web', '--fast', '--data-dir', dataDir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`drdesk web printed no URL within 60 s:\n${log}`)), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    lines.on('line', (line) => (log += `${line}\n`));
    child.once('exit', (code) => reject(new Error(`drdesk web exited (${code}) before printing its URL:\n${log}`)));
  });
  const info = JSON.parse(first) as { url: string; dataDir: string; sandbox: { control: string; sites: WebHostRun['sites'] } | null };
  if (!info.sandbox) throw new Error('drdesk web started without the sandbox: the e2e suite needs it');
  const control = info.sandbox.control;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: info.url,
    dataDir,
    control,
    sites: info.sandbox.sites,
    async fault(req) {
      const res = await fetch(`${control}/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
      if (!res.ok) throw new Error(`fault ${JSON.stringify(req)}: HTTP ${res.status} ${await res.text()}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => log,
  };
}

export const ROLE_LETTER = { primary: 'P', secondary: 'S', arbiter: 'A' } as const;

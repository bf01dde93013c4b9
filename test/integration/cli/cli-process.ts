import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const DRDESK = resolve('bin/drdesk.mjs');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `drdesk ARGS` to completion (bounded by `timeoutMs`), optionally feeding stdin. */
export function drdesk(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [DRDESK, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drdesk ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface LongRunning<T> {
  child: ChildProcess;
  first: T;
  output: { stdout: string; stderr: string };
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `drdesk ARGS` and resolves with the JSON of its first stdout line. */
export function drdeskServer<T>(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<LongRunning<T>> {
  const child = spawn(process.execPath, [DRDESK, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stderr!.on('data', (c) => (output.stderr += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drdesk ${args.join(' ')} printed no first line within ${timeoutMs} ms\n${output.stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    let first: T | undefined;
    lines.on('line', (line) => {
      output.stdout += `${line}\n`;
      if (first !== undefined) return;
      clearTimeout(timer);
      try {
        first = JSON.parse(line) as T;
      } catch (err) {
        child.kill('SIGKILL');
        reject(new Error(`first line is not JSON: ${line} (${(err as Error).message})\n${output.stderr}`));
        return;
      }
      resolvePromise({
        child,
        first,
        output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.on('exit', (code) => {
      if (first === undefined) {
        clearTimeout(timer);
        reject(new Error(`drdesk ${args.join(' ')} exited (${code}) before its first line\n${output.stderr}`));
      }
    });
  });
}

export async function postFault(control: string, body: object): Promise<void> {
  const res = await fetch(`${control}/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`fault ${JSON.stringify(body)} → HTTP ${res.status}: ${await res.text()}`);
}

/** Repeats `probe` until `ok` holds, within `ms`; returns the last value. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number, everyMs = 250): Promise<T> {
  const until = Date.now() + ms;
  let v = await probe();
  while (!ok(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, everyMs));
    v = await probe();
  }
  return v;
}

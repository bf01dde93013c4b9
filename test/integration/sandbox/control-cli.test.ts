import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxDescription } from '../../../src/main/sandbox';
import { topologySchema } from '../../../src/shared/topology';
import { setUri, waitFor, withClient, withSandbox } from './helpers';

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('control endpoint', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('GET /state lists every member with state, term, optime and lag, and the ledger counts', async () => {
    const res = await fetch(`${sb.description.control}/state`);
    expect(res.status).toBe(200);
    const st = (await res.json()) as ReturnType<Sandbox['state']>;
    expect(st.members.map((m) => [m.name, m.stateStr])).toEqual([
      ['dc-1', 'PRIMARY'],
      ['dc-2', 'SECONDARY'],
      ['dc-3', 'ARBITER'],
      ['dr-1', 'PRIMARY'],
      ['dr-2', 'SECONDARY'],
      ['dr-3', 'ARBITER'],
    ]);
    expect(st.members[0]).toMatchObject({ term: 1, lagMs: 0, optime: { t: 1 } });
    expect(st.members[0].optime!.ts).toMatch(/^\d+:\d+$/);
    expect(st.workload).toMatchObject({ running: false, acknowledged: 0 });
  });

  it('app health: DC runs, DR is standby until started', async () => {
    const [dcUrl, drUrl] = sb.description.sites.map((s) => s.appHealthUrl);
    expect(await (await fetch(dcUrl)).json()).toEqual({ ok: true });
    const dr = await fetch(drUrl);
    expect(dr.status).toBe(503);
    expect(((await dr.json()) as { reason: string }).reason).toMatch(/stopped/);
    expect((await post(`${sb.description.control}/fault`, { action: 'app', target: 'DR', running: true })).status).toBe(200);
    expect((await fetch(drUrl)).status).toBe(200);
    expect((await fetch(`${sb.description.control}/app/XX/health`)).status).toBe(404);
  });

  it('POST /fault answers 400 with a clear JSON error on bad input', async () => {
    const url = `${sb.description.control}/fault`;
    for (const [body, message] of [
      ['{not json', /not JSON/],
      ['', /empty body/],
      [{ action: 'explode', target: 'dc-1' }, /action: one of/],
      [{ action: 'kill', target: 'nowhere' }, /unknown member or site "nowhere"/],
      [{ action: 'lag', target: 'dc-3', ms: 10 }, /arbiters do not replicate/],
      [{ action: 'stepdown', target: 'dc-2' }, /not \(or has no\) primary/],
      [[1, 2], /body/],
    ] as const) {
      const r = await post(url, body);
      expect(r.status).toBe(400);
      expect((r.json.error as { message: string }).message).toMatch(message);
    }
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(`${sb.description.control}/nope`)).status).toBe(404);
  });

  it('POST /fault kill / stepdown / slow / freeze / revive work and show in /state', async () => {
    const url = `${sb.description.control}/fault`;
    expect((await post(url, { action: 'slow', target: 'dc-2', ms: 20 })).json).toMatchObject({ ok: true });
    expect((await post(url, { action: 'stepdown', target: 'DC', seconds: 5 })).json.message).toMatch(/stepped down dc-1/);
    await waitFor(() => sb.state().members.find((m) => m.name === 'dc-2')!.stateStr === 'PRIMARY', 5000, 'dc-2 primary');
    expect((await post(url, { action: 'freeze', target: 'dc-1', seconds: 30 })).json.ok).toBe(true);
    expect(sb.state().members.find((m) => m.name === 'dc-1')!.frozenUntil).not.toBeNull();
    expect((await post(url, { action: 'kill', target: 'DR' })).json.message).toBe('killed dr-1, dr-2, dr-3');
    const res = await fetch(sb.description.sites[1].appHealthUrl);
    expect(res.status).toBe(503);
    expect((await post(url, { action: 'revive', target: 'DR' })).status).toBe(200);
    await withClient(setUri(sb, 'DR'), (c) => c.db('admin').command({ ping: 1 }));
  });

  it('POST /workload starts and stops the SOAR workload', async () => {
    const url = `${sb.description.control}/workload`;
    expect((await post(url, { opsPerSec: 'fast' })).status).toBe(400);
    expect((await post(url, { opsPerSec: 40 })).status).toBe(200);
    await waitFor(() => sb.state().workload.acknowledged > 5, 10_000, 'acknowledged writes');
    expect((await post(url, { opsPerSec: 0 })).json.workload).toMatchObject({ running: false });
    const ids = sb.ledger.ackedIds();
    expect(ids.length).toBe(sb.ledger.acknowledged);
    expect(ids[0].id).toMatch(/^soar\.(events\/[0-9a-f]{24}|incidents\/INC-\d{4}@\d+)$/);
  });
});

function portFree(host: string): Promise<boolean> {
  const [h, p] = host.split(':');
  return new Promise((resolve) => {
    const s = connect({ host: h, port: Number(p) });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ['bin/drdesk.mjs', 'sandbox', ...args], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('drdesk sandbox (CLI)', () => {
  it('prints the JSON line first, serves the control endpoint, and frees every port on SIGTERM', async () => {
    const child = runCli(['--fast', '--workload', '20', '--username', 'ops', '--password-env', 'SANDBOX_PW'], { SANDBOX_PW: 's3cret' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('exited before printing')));
    });
    const d = JSON.parse(first) as SandboxDescription;
    expect(d.sites.map((s) => s.replicaSet)).toEqual(['rs-dc', 'rs-dr']);
    expect(d.sites[0].members[0]).toMatchObject({ name: 'dc-1', role: 'primary', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(d.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    topologySchema.parse(JSON.parse(await readFile(d.topologyFile, 'utf8')));
    await waitFor(async () => ((await (await fetch(`${d.control}/state`)).json()) as ReturnType<Sandbox['state']>).workload.acknowledged > 3, 15_000, 'workload writes');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const hosts = [...d.sites.flatMap((s) => s.members.map((m) => m.host)), d.control.replace('http://', '')];
    for (const h of hosts) expect(await portFree(h)).toBe(true);
  });

  it('bad options: a message and exit 3, no stack trace', async () => {
    for (const [args, message] of [
      [['--base-port', 'abc'], /--base-port must be an integer/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['--username', 'ops'], /--username and --password-env go together/],
      [['--username', 'ops', '--password-env', 'DRDESK_TEST_UNSET_VAR'], /DRDESK_TEST_UNSET_VAR is not set/],
    ] as const) {
      const child = runCli([...args]);
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(3);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});

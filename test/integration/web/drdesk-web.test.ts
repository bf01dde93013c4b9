import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import type { SandboxDescription } from '../../../src/main/sandbox/types';
import { drdeskServer, eventually, type LongRunning } from '../cli/cli-process';
import { connectDesk } from './rpc-client';

type First = { url: string; dataDir: string; sandbox: SandboxDescription | null };
let web: LongRunning<First>;
const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-webint-'));

beforeAll(async () => {
  web = await drdeskServer<First>(['web', '--fast', '--data-dir', dataDir]);
});
afterAll(async () => {
  if (web.child.exitCode === null) await web.stop();
});

describe('drdesk web', () => {
  it('prints the URL with a token, the data dir and the sandbox it started, as its first line', () => {
    expect(web.first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(web.first.dataDir).toBe(dataDir);
    expect(web.first.sandbox?.sites.map((s) => s.name)).toEqual(['DC', 'DR']);
  });

  it('serves the page only with the token (the built renderer, or how to build it)', async () => {
    const page = await fetch(web.first.url);
    expect([200, 503]).toContain(page.status);
    if (page.status === 503) expect(await page.text()).toContain('npm run build');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(web.first.url.replace(/token=.*/, 'token=wrong'))).status).toBe(401);
  });

  it('serves DeskApi over the socket: both sites with three members and their roles, pushed overviews', async () => {
    const { api, close } = await connectDesk(web.first.url);
    try {
      const o = await eventually(() => api.getOverview(), (x) => x.sites.every((s) => s.replicaSets[0].primary !== null), 20_000);
      expect(o.sites.map((s) => [s.name, s.replicaSets[0].members.map((m) => `${m.name}:${m.expectedRole}:${m.stateStr}`)])).toEqual([
        ['DC', ['dc-1:primary:PRIMARY', 'dc-2:secondary:SECONDARY', 'dc-3:arbiter:ARBITER']],
        ['DR', ['dr-1:primary:PRIMARY', 'dr-2:secondary:SECONDARY', 'dr-3:arbiter:ARBITER']],
      ]);
      const pushed = await new Promise<Overview>((resolve) => api.subscribe('overview', resolve));
      expect(pushed.polledAt).not.toBeNull();
      await expect(api.getHistory({ metric: 'lag', range: 'forever' as '1h' })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { issues: [{ path: 'input.range' }] } });
      expect((await api.getTopology()).sandbox).toBe(true);
    } finally {
      close();
    }
  });

  it('refuses a socket from another origin', async () => {
    await expect(connectDesk(web.first.url, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('stops cleanly on SIGTERM and stops the sandbox it started', async () => {
    expect(await web.stop()).toBe(0);
    await expect(fetch(`${web.first.sandbox!.control}/state`)).rejects.toThrow();
    await expect(fetch(web.first.url)).rejects.toThrow();
  });
});

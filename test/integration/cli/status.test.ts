import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import type { SandboxDescription } from '../../../src/main/sandbox/types';
import { drdesk, drdeskServer, eventually, postFault, type LongRunning } from './cli-process';

let sandbox: LongRunning<SandboxDescription>;
const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-status-'));
const env = { DRDESK_DATA_DIR: dataDir };

beforeAll(async () => {
  sandbox = await drdeskServer<SandboxDescription>(['sandbox', '--fast']);
});
afterAll(async () => {
  expect(await sandbox.stop()).toBe(0);
});

const status = async () => {
  const r = await drdesk(['status', '--json', '--topology', sandbox.first.topologyFile], { env });
  return { code: r.code, overview: r.stdout ? (JSON.parse(r.stdout) as Overview) : null, stderr: r.stderr };
};

describe('drdesk status against drdesk sandbox', () => {
  it('exits 0 healthy, 2 after killing the DC primary and arbiter, 0 again after reviving them', async () => {
    const healthy = await eventually(status, (s) => s.code === 0, 20_000);
    expect(healthy.stderr).toBe('');
    expect(healthy.code).toBe(0);
    const dc = healthy.overview!.sites.find((s) => s.name === 'DC')!;
    expect(dc.replicaSets[0].members.map((m) => [m.name, m.stateStr])).toEqual([
      ['dc-1', 'PRIMARY'],
      ['dc-2', 'SECONDARY'],
      ['dc-3', 'ARBITER'],
    ]);
    expect(dc.replicaSets[0].members.find((m) => m.name === 'dc-2')!.lagSeconds).not.toBeNull();
    expect(dc.replicaSets[0].members.find((m) => m.name === 'dc-3')!.lagSeconds).toBeNull();

    await postFault(sandbox.first.control, { action: 'kill', target: 'dc-1' });
    await postFault(sandbox.first.control, { action: 'kill', target: 'dc-3' });
    const red = await status();
    expect(red.code).toBe(2);
    expect(red.overview!.status.level).toBe('red');
    const codes = red.overview!.status.reasons.map((r) => `${r.code}:${r.subject}`);
    expect(codes).toContain('NO_PRIMARY:DC/rs-dc');
    expect(codes).toContain('ARBITER_DOWN:DC/rs-dc/dc-3');
    expect(red.overview!.sites.find((s) => s.name === 'DR')!.status.level).toBe('green');

    await postFault(sandbox.first.control, { action: 'revive', target: 'dc-1' });
    await postFault(sandbox.first.control, { action: 'revive', target: 'dc-3' });
    const back = await eventually(status, (s) => s.code === 0, 30_000, 500);
    expect(back.overview?.status.reasons).toEqual([]);
    expect(back.code).toBe(0);
  });

  it('prints a readable table without --json', async () => {
    const r = await drdesk(['status', '--topology', sandbox.first.topologyFile], { env });
    expect(r.stdout).toMatch(/^DR Desk sandbox: (GREEN|YELLOW|RED)/);
    expect(r.stdout).toContain('MEMBER');
    // Which DC member is primary depends on the first election; the table names one.
    expect(r.stdout).toMatch(/dc-[12] +127\.0\.0\.1:\d+ +PRIMARY/);
  });

  it('without a topology says so clearly (exit 3)', async () => {
    const r = await drdesk(['status'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('No topology given and none configured: pass --topology FILE');
  });

  it('a bad topology file names the field (exit 3), a bad option is a usage error', async () => {
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'sites:\n  - name: DC\n    role: dc\n    replicaSets:\n      - name: rs\n        members:\n          - { name: m1, host: h, port: 99999, role: primary }\n');
    const r = await drdesk(['status', '--topology', bad], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('sites[0].replicaSets[0].members[0].port: a TCP port between 1 and 65535');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const u = await drdesk(['status', '--nope'], { env });
    expect(u.code).toBe(3);
    expect(u.stderr).toMatch(/USAGE: Unknown option '--nope'/);
  });
});

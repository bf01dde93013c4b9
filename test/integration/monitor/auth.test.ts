import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import { createDesk, type Desk } from '../../../src/main/desk';
import { SANDBOX_PASSWORD_SECRET, startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

/** SCRAM-SHA-256 through the real driver, with the password taken from the secret store by name. */
let sandbox: Sandbox;
let desk: Desk;
const PASSWORD = 'Sandbox-Pw-4e1f';

beforeAll(async () => {
  sandbox = await startSandbox({ fast: true, auth: { username: 'monitor', password: PASSWORD } });
  desk = await createDesk({ dataDir: mkdtempSync(join(tmpdir(), 'drdesk-auth-')), topologyPath: sandbox.description.topologyFile, secretStore: new MemorySecretStore(), autoStart: false, features: [] });
});
afterAll(async () => {
  await desk.close();
  await sandbox.stop();
});

/** Polls until the overview shows what `ok` wants: a probe slower than the 1 s fast-mode cycle reports late. */
async function poll(ok: (o: Overview) => boolean = () => true): Promise<Overview> {
  const until = Date.now() + 15_000;
  let o = await desk.context.monitor.pollOnce();
  while (!ok(o) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    o = await desk.context.monitor.pollOnce();
  }
  return o;
}

describe('monitoring with authentication', () => {
  it('without the secret: data-bearing members say which secret to set; arbiters (no users) still answer', async () => {
    const o = await poll((x) => x.sites[0].replicaSets[0].members.every((m) => m.lastSeen !== null || m.lastError !== null));
    const dc = o.sites[0].replicaSets[0].members;
    expect(dc[0]).toMatchObject({ reachable: false, lastError: expect.stringContaining(`drdesk secret set ${SANDBOX_PASSWORD_SECRET}`) });
    expect(dc[2]).toMatchObject({ name: 'dc-3', reachable: true, stateStr: 'ARBITER' });
  });

  it('a wrong password is an authentication failure, named as such', async () => {
    await desk.setSecret({ name: SANDBOX_PASSWORD_SECRET, kind: 'password', value: 'wrong' });
    const o = await poll((x) => /^Authentication/.test(x.sites[0].replicaSets[0].members[0].lastError ?? ''));
    expect(o.sites[0].replicaSets[0].members[0].lastError).toMatch(/^Authentication to 127\.0\.0\.1:\d+ failed/);
  });

  it('with the right password set through DeskApi, the next poll authenticates and is healthy', async () => {
    await desk.setSecret({ name: SANDBOX_PASSWORD_SECRET, kind: 'password', value: PASSWORD });
    const o = await poll((x) => x.sites.every((s) => s.replicaSets[0].members.every((m) => m.reachable && m.lastError === null)));
    for (const s of o.sites) for (const m of s.replicaSets[0].members) expect([m.name, m.reachable, m.lastError]).toEqual([m.name, true, null]);
    expect(o.sites[0].replicaSets[0].members[1].lagSeconds).not.toBeNull();
    expect(o.sites[0].replicaSets[0].members[0].oplogWindowHours).toBeGreaterThan(0);
    expect(await desk.listSecrets()).toEqual([{ name: SANDBOX_PASSWORD_SECRET, kind: 'password', setAt: expect.any(String) }]);
  });
});

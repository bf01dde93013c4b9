import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { RpcRouter } from '../../../src/main/rpc/router';
import { sandboxFaultMethods } from '../../../src/main/monitor/sandbox-faults';
import type { SandboxControlView } from '../../../src/shared/api/monitor';

/** The Faults panel's two methods against a real sandbox, through the router every host uses. */
let sandbox: Sandbox;
const router = new RpcRouter();
const elsewhere = new RpcRouter();

beforeAll(async () => {
  sandbox = await startSandbox({ fast: true });
  router.register(sandboxFaultMethods(sandbox));
  elsewhere.register(sandboxFaultMethods(null));
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

const view = async () => (await router.call('getSandboxControl', undefined)) as SandboxControlView;
const member = async (name: string) => (await view()).members.find((m) => m.name === name)!;

describe('sandbox faults through DeskApi', () => {
  it('names the control URL the sandbox prints, and every member of both sites', async () => {
    const v = await view();
    expect(v.control).toBe(sandbox.description.control);
    expect(v.sites.map((s) => s.name)).toEqual(['DC', 'DR']);
    expect(v.members.map((m) => m.name).sort()).toEqual(sandbox.state().members.map((m) => m.name).sort());
  });

  it('kill and revive a member: the sandbox itself changes, not only the view', async () => {
    await expect(router.call('injectFault', { action: 'kill', target: 'dc-2' })).resolves.toMatchObject({ ok: true, message: 'killed dc-2' });
    expect(sandbox.state().members.find((m) => m.name === 'dc-2')!.alive).toBe(false);
    expect((await member('dc-2')).alive).toBe(false);
    await router.call('injectFault', { action: 'revive', target: 'dc-2' });
    expect((await member('dc-2')).alive).toBe(true);
  });

  it('lag, partition, cut off from the desk and heal show in the view', async () => {
    await router.call('injectFault', { action: 'lag', target: 'dr-2', ms: 4000 });
    expect((await member('dr-2')).lagInjectedMs).toBe(4000);
    await router.call('injectFault', { action: 'lag', target: 'dr-2', ms: 0 });
    expect((await member('dr-2')).lagInjectedMs).toBe(0);
    await router.call('injectFault', { action: 'partition', target: 'DC', from: 'DR' });
    expect((await member('dc-1')).partitioned).toBe(true);
    expect((await member('dr-1')).partitioned).toBe(true);
    await router.call('injectFault', { action: 'partition', target: 'dc-3', from: 'clients' });
    expect((await member('dc-3')).clientsBlocked).toBe(true);
    await router.call('injectFault', { action: 'heal', target: 'DC' });
    const v = await view();
    expect(v.members.filter((m) => m.partitioned || m.clientsBlocked)).toEqual([]);
  });

  it('the application switch', async () => {
    await router.call('injectFault', { action: 'app', target: 'DR', running: true });
    expect((await view()).sites.find((s) => s.name === 'DR')!.appRunning).toBe(true);
    await router.call('injectFault', { action: 'app', target: 'DR', running: false });
    expect((await view()).sites.find((s) => s.name === 'DR')!.appRunning).toBe(false);
  });

  it('refuses what it does not offer or cannot do, with a code, and changes nothing', async () => {
    const before = JSON.stringify(sandbox.state().members.map((m) => [m.name, m.alive, m.lagInjectedMs ?? 0]));
    await expect(router.call('injectFault', { action: 'stepdown', target: 'dc-1' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('injectFault', { action: 'lag', target: 'dc-2', ms: -1 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('injectFault', { action: 'lag', target: 'dc-2' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('injectFault', { action: 'kill', target: 'dc-2', extra: 1 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('injectFault', { action: 'kill', target: 'nope-9' })).rejects.toMatchObject({ code: 'UNKNOWN_TARGET' });
    await expect(router.call('injectFault', { action: 'lag', target: 'dc-3', ms: 1000 })).rejects.toMatchObject({ code: 'BAD_FAULT' });
    expect(JSON.stringify(sandbox.state().members.map((m) => [m.name, m.alive, m.lagInjectedMs ?? 0]))).toBe(before);
  });

  it('a desk watching real sites has no sandbox and injects nothing', async () => {
    await expect(elsewhere.call('getSandboxControl', undefined)).resolves.toBeNull();
    await expect(elsewhere.call('injectFault', { action: 'kill', target: 'dc-1' })).rejects.toMatchObject({ code: 'NOT_SANDBOX' });
  });
});

import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RpcRouter, noInput } from '../../../src/main/rpc/router';
import { DeskError } from '../../../src/shared/errors';
import type { RpcTransport } from '../../../src/shared/rpc';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src/shared/rpc';

// A stand-in for Electron's two halves: what the preload hands contextBridge, and an ipcRenderer whose
// invoke reaches a real engine router, so the test follows a call and an error the whole way.
const exposed = new Map<string, unknown>();
const ipcEvents = new EventEmitter();
const router = new RpcRouter();
const sendSync = vi.fn(() => {
  throw new Error('the preload must not block the renderer with sendSync');
});
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, message: unknown) => (channel === IPC_CALL_CHANNEL ? router.handle(message) : Promise.reject(new Error(`unexpected channel ${channel}`))),
    on: (channel: string, handler: (...args: unknown[]) => void) => ipcEvents.on(channel, handler),
    removeListener: (channel: string, handler: (...args: unknown[]) => void) => ipcEvents.removeListener(channel, handler),
    sendSync,
  },
}));

router.register({
  listSecrets: { input: noInput, handler: async () => [{ name: 'dc-db', kind: 'password', set: true }] as never },
  getHistory: { input: z.strictObject({ metric: z.literal('lag'), range: z.literal('1h') }) as never, handler: async () => [] },
});

async function bridge(): Promise<RpcTransport> {
  await import('../../../src/preload/index');
  return exposed.get('drdesk') as RpcTransport;
}

describe('preload bridge', () => {
  it('exposes a plain transport — call and onEvent, nothing else — and never calls sendSync', async () => {
    const t = await bridge();
    expect(Object.keys(t).sort()).toEqual(['call', 'onEvent']);
    expect(sendSync).not.toHaveBeenCalled();
  });

  it('carries answers and errors as data, and the renderer client turns an error into a DeskError once', async () => {
    const { chooseDesk } = await import('../../../src/renderer/desk-client/choose-desk');
    const t = await bridge();
    const { api, host } = chooseDesk({ drdesk: t, location: {} as Location });
    expect(host).toBe('electron');
    await expect(api.listSecrets()).resolves.toEqual([{ name: 'dc-db', kind: 'password', set: true }]);

    const raw = await t.call('getHistory', { metric: 'lag', range: 'forever' });
    expect(raw).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const err = await api.getHistory({ metric: 'lag', range: 'forever' } as never).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeskError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', details: { method: 'getHistory' } });
    expect((err as DeskError).message).toContain('input.range');
  });

  it('delivers pushed events to subscribers until they unsubscribe', async () => {
    const { chooseDesk } = await import('../../../src/renderer/desk-client/choose-desk');
    const { api } = chooseDesk({ drdesk: await bridge(), location: {} as Location });
    const seen: unknown[] = [];
    const stop = api.subscribe('alert', (a) => seen.push(a));
    ipcEvents.emit(IPC_EVENT_CHANNEL, {}, { kind: 'event', event: 'alert', payload: { id: 1 } });
    ipcEvents.emit(IPC_EVENT_CHANNEL, {}, { kind: 'event', event: 'overview', payload: { id: 2 } });
    stop();
    ipcEvents.emit(IPC_EVENT_CHANNEL, {}, { kind: 'event', event: 'alert', payload: { id: 3 } });
    expect(seen).toEqual([{ id: 1 }]);
  });
});

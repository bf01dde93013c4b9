import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noInput, RpcRouter } from '../../../src/main/rpc/router';
import { DeskError } from '../../../src/shared/errors';
import type { Overview } from '../../../src/shared/monitor';
import { TypedEmitter } from '../../../src/main/feature/typed-emitter';
import type { DeskEvents } from '../../../src/shared/desk-api';

function router(): RpcRouter {
  const r = new RpcRouter();
  r.register({
    getOverview: { input: noInput, handler: async () => ({ topologyName: 'x' }) as Overview },
    getHistory: {
      input: z.strictObject({ metric: z.enum(['lag', 'oplogWindow']), range: z.enum(['15m', '1h', '24h', '7d'], 'one of "15m", "1h", "24h", "7d"') }),
      handler: async (q) => [{ key: q.range, points: [] }],
    },
    deleteSecret: {
      input: z.strictObject({ name: z.string() }),
      handler: async () => {
        throw new DeskError('KEYCHAIN_UNAVAILABLE', 'Unlock the keychain', { backend: 'Secret Service' });
      },
    },
  });
  return r;
}

describe('RpcRouter', () => {
  it('dispatches a valid call', async () => {
    expect(await router().handle({ kind: 'call', id: 1, method: 'getHistory', input: { metric: 'lag', range: '1h' } })).toEqual({ kind: 'result', id: 1, ok: true, value: [{ key: '1h', points: [] }] });
    expect(await router().handle({ kind: 'call', id: 2, method: 'getOverview' })).toMatchObject({ ok: true, value: { topologyName: 'x' } });
    expect(await router().handle({ kind: 'call', id: 3, method: 'getOverview', input: {} })).toMatchObject({ ok: true });
  });

  it('an invalid input is BAD_INPUT naming the field', async () => {
    const res = await router().handle({ kind: 'call', id: 4, method: 'getHistory', input: { metric: 'lag', range: '2h' } });
    expect(res).toEqual({
      kind: 'result',
      id: 4,
      ok: false,
      error: { code: 'BAD_INPUT', message: 'getHistory: input.range: one of "15m", "1h", "24h", "7d"', details: { method: 'getHistory', issues: [{ path: 'input.range', message: 'one of "15m", "1h", "24h", "7d"' }] } },
    });
    const extra = await router().handle({ kind: 'call', id: 5, method: 'getOverview', input: { evil: true } });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const missing = await router().handle({ kind: 'call', id: 6, method: 'getHistory', input: { range: '1h' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('input.metric') } });
  });

  it('an unknown method, including inherited names, is UNKNOWN_METHOD', async () => {
    for (const method of ['nope', '__proto__', 'constructor', 'toString'])
      expect(await router().handle({ kind: 'call', id: 7, method })).toMatchObject({ id: 7, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('a malformed message is BAD_REQUEST, answered with its id when it has one', async () => {
    expect(await router().handle({ kind: 'call', id: 8 })).toMatchObject({ id: 8, ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('method') } });
    expect(await router().handle('hello')).toMatchObject({ id: -1, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await router().handle(null)).toMatchObject({ id: -1, ok: false });
  });

  it('handler errors cross whole: code, message and details', async () => {
    expect(await router().handle({ kind: 'call', id: 9, method: 'deleteSecret', input: { name: 'x' } })).toEqual({
      kind: 'result',
      id: 9,
      ok: false,
      error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'Unlock the keychain', details: { backend: 'Secret Service' } },
    });
  });

  it('refuses a method registered twice', () => {
    const r = router();
    expect(() => r.register({ getOverview: { input: noInput, handler: async () => ({}) as Overview } })).toThrow(/registered twice/);
  });

  it('forwards events to an attached transport until detached', () => {
    const events = new TypedEmitter<DeskEvents>();
    const got: unknown[] = [];
    const detach = router().attach(events, (e) => got.push(e));
    events.emit('overview', { topologyName: 'o' } as Overview);
    detach();
    events.emit('overview', { topologyName: 'p' } as Overview);
    expect(got).toEqual([{ kind: 'event', event: 'overview', payload: { topologyName: 'o' } }]);
  });
});

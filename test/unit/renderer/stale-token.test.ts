/// <reference lib="dom" />
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALE_TOKEN_REASON, WebSocketTransport } from '../../../src/renderer/desk-client/web-transport';
import type { ConnectionState } from '../../../src/renderer/desk-client/connection';

/** A socket whose upgrade is refused: it never opens and closes with 1006, as a browser reports a 401. */
class RefusedSocket {
  static readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor() {
    setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 0);
  }
  close(): void {}
  send(): void {}
}

const realWebSocket = globalThis.WebSocket;
beforeEach(() => {
  (globalThis as { WebSocket: unknown }).WebSocket = RefusedSocket;
});
afterEach(() => {
  (globalThis as { WebSocket: unknown }).WebSocket = realWebSocket;
});

async function firstLost(tokenRefused: () => Promise<boolean>): Promise<Extract<ConnectionState, { kind: 'lost' }>> {
  const t = new WebSocketTransport({ url: 'ws://127.0.0.1:1/rpc?token=old', backoffInitialMs: 60_000, tokenRefused });
  await vi.waitFor(() => expect(t.connection.current().kind).toBe('lost'));
  return t.connection.current() as Extract<ConnectionState, { kind: 'lost' }>;
}

describe('a page whose token the host no longer accepts', () => {
  it('is told to reopen the printed URL, not that the host is not answering', async () => {
    const lost = await firstLost(async () => true);
    expect(lost.reason).toBe(STALE_TOKEN_REASON);
    expect(lost.reason).toContain('open the URL it printed');
  });

  it('a host that does not answer at all is still "not answering"', async () => {
    const lost = await firstLost(async () => false);
    expect(lost.reason).toBe('the DR Desk host is not answering');
  });

  it('a probe that throws counts as not answering', async () => {
    const lost = await firstLost(async () => {
      throw new Error('network');
    });
    expect(lost.reason).toBe('the DR Desk host is not answering');
  });
});

import WebSocket from 'ws';
import { createDeskClient, type RpcEvent, type RpcResponse } from '../../../src/shared/rpc';
import type { DeskApi } from '../../../src/shared/desk-api';

/** DeskApi over the web host's socket, with the same client code the renderer uses (createDeskClient). */
export async function connectDesk(pageUrl: string, headers: Record<string, string> = {}): Promise<{ api: DeskApi; close: () => void }> {
  const page = new URL(pageUrl);
  const ws = new WebSocket(`ws://${page.host}/rpc?token=${page.searchParams.get('token')}`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`socket refused: HTTP ${res.statusCode}`)));
  });
  let next = 1;
  const pending = new Map<number, (r: RpcResponse) => void>();
  const listeners = new Set<(e: RpcEvent) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as RpcResponse | RpcEvent;
    if (msg.kind === 'result') {
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    } else listeners.forEach((l) => l(msg));
  });
  const api = createDeskClient({
    call: (method, input) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ kind: 'call', id, method, input }));
      }),
    onEvent: (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  });
  return { api, close: () => ws.close() };
}

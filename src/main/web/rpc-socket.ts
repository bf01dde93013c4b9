import type { WebSocket } from 'ws';
import type { RpcEvent } from '../../shared/rpc';
import type { Desk } from '../desk';

/** Events are dropped for a client that has this much unsent data (it is too slow; it can re-query). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Serves DeskApi on one web socket: each text message is an RpcRequest; Desk's events are pushed. */
export function serveRpcSocket(ws: WebSocket, desk: Desk): void {
  const send = (msg: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const detach = desk.router.attach(desk.events, (e: RpcEvent) => {
    if (ws.bufferedAmount < MAX_BUFFERED_BYTES) send(e);
  });
  ws.on('message', (data, isBinary) => {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    if (message === undefined) {
      send({ kind: 'result', id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'Each message must be one JSON RpcRequest as text: {"kind":"call","id":1,"method":"getOverview"}' } });
      return;
    }
    void desk.router.handle(message).then(send);
  });
  ws.on('close', detach);
  ws.on('error', () => ws.terminate());
}

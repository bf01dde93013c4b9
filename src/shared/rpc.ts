import { deserializeError, type SerializedError } from './errors';
import type { DeskApi, DeskEventName, DeskEvents } from './desk-api';

/**
 * Transport-independent RPC: the same messages travel over Electron IPC and the web socket, and one router
 * on the engine side dispatches them to Desk.
 */
export interface RpcRequest {
  kind: 'call';
  id: number;
  method: string;
  input?: unknown;
}
export type RpcResponse = { kind: 'result'; id: number; ok: true; value: unknown } | { kind: 'result'; id: number; ok: false; error: SerializedError };
export interface RpcEvent {
  kind: 'event';
  event: string;
  payload: unknown;
}

export interface RpcTransport {
  call(method: string, input: unknown): Promise<RpcResponse>;
  onEvent(listener: (e: RpcEvent) => void): () => void;
}

/** Builds a DeskApi for the renderer from any transport; errors come back as DeskError with code and details. */
export function createDeskClient(transport: RpcTransport): DeskApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  transport.onEvent((e) => listeners.get(e.event)?.forEach((l) => l(e.payload)));
  const subscribe = <E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => void set.delete(l);
  };
  return new Proxy({ subscribe } as unknown as DeskApi, {
    get(target, prop) {
      if (prop === 'subscribe') return subscribe;
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return async (input?: unknown) => {
        const res = await transport.call(prop, input);
        if (res.ok) return res.value;
        throw deserializeError(res.error);
      };
    },
  });
}

export const IPC_CALL_CHANNEL = 'desk:call';
export const IPC_EVENT_CHANNEL = 'desk:event';

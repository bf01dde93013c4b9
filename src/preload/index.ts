import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DeskApi, DeskEventName, DeskEvents } from '../shared/desk-api';
import { serializeError } from '../shared/errors';
import { IPC_METHODS_CHANNEL } from '../shared/ipc-channels';
import { createDeskClient, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RpcEvent, type RpcResponse, type RpcTransport } from '../shared/rpc';

/**
 * The whole bridge: window.drdesk is a DeskApi and nothing else — no ipcRenderer, no Node, no channel names.
 * Rejections are plain { code, message, details } objects because contextBridge keeps only an Error's message;
 * the renderer turns them back into DeskError.
 */
let nextId = 1;
const transport: RpcTransport = {
  call: (method, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, { kind: 'call', id: nextId++, method, input }) as Promise<RpcResponse>,
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, message: RpcEvent) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};

const client = createDeskClient(transport) as unknown as Record<string, (input?: unknown) => Promise<unknown>> & Pick<DeskApi, 'subscribe'>;
const methodNames = ipcRenderer.sendSync(IPC_METHODS_CHANNEL) as unknown;

const bridge: Record<string, unknown> = {
  subscribe: <E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void) => client.subscribe(event, listener),
};
for (const name of Array.isArray(methodNames) ? methodNames : []) {
  if (typeof name !== 'string' || name === 'subscribe') continue;
  bridge[name] = (input?: unknown) => client[name](input).catch((err: unknown) => Promise.reject(serializeError(err)));
}

contextBridge.exposeInMainWorld('drdesk', bridge);

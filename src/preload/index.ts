import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RpcEvent, type RpcResponse, type RpcTransport } from '../shared/rpc';

/**
 * The whole bridge: window.drdesk is the same plain transport the web host's socket gives — call a DeskApi
 * method by name, listen to its events — and nothing else: no ipcRenderer, no Node, no channel names. Answers
 * and errors cross as data ({ ok, value } / { ok: false, error: { code, message, details } }), so nothing is
 * lost to contextBridge (it keeps only an Error's message) and the renderer builds its typed client once,
 * the same way for both hosts.
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

contextBridge.exposeInMainWorld('drdesk', { call: transport.call, onEvent: transport.onEvent });

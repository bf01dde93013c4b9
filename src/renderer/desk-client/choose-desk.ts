import type { DeskApi } from '../../shared/desk-api';
import { createDeskClient } from '../../shared/rpc';
import { fromBridge } from './bridge-client';
import { alwaysOpen, type ConnectionMonitor } from './connection';
import { WebSocketTransport, rpcUrlFor } from './web-transport';

export type HostKind = 'electron' | 'web';

export interface DeskConnection {
  api: DeskApi;
  connection: ConnectionMonitor;
  /** Electron raises notifications in the main process; the web host relies on the browser's. */
  host: HostKind;
}

/** The one place the renderer picks its DeskApi: the preload bridge when present, else the web host's socket. */
export function chooseDesk(win: Window): DeskConnection {
  if (win.drdesk) return { api: fromBridge(win.drdesk), connection: alwaysOpen(), host: 'electron' };
  const transport = new WebSocketTransport({ url: rpcUrlFor(win.location) });
  return { api: createDeskClient(transport), connection: transport.connection, host: 'web' };
}

import type { DeskApi } from '../../shared/desk-api';
import { createDeskClient, type RpcTransport } from '../../shared/rpc';
import { alwaysOpen, type ConnectionMonitor } from './connection';
import { WebSocketTransport, rpcUrlFor } from './web-transport';

export type HostKind = 'electron' | 'web';

export interface DeskConnection {
  api: DeskApi;
  connection: ConnectionMonitor;
  /** Electron raises notifications in the main process; the web host relies on the browser's. */
  host: HostKind;
}

/** The page's window as far as the choice goes: Electron's preload adds `drdesk`, a browser has none. */
export interface DeskWindow {
  location: Location;
  drdesk?: RpcTransport;
}

/**
 * The one place the renderer picks its transport — the preload's when present, else the web host's socket —
 * and builds the typed DeskApi over it, the same way for both.
 */
export function chooseDesk(win: DeskWindow): DeskConnection {
  if (win.drdesk) return { api: createDeskClient(win.drdesk), connection: alwaysOpen(), host: 'electron' };
  const transport = new WebSocketTransport({ url: rpcUrlFor(win.location) });
  return { api: createDeskClient(transport), connection: transport.connection, host: 'web' };
}

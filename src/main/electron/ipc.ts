import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Desk } from '../desk';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RpcResponse } from '../../shared/rpc';

export interface DeskIpcOptions {
  desk: Desk;
  window: BrowserWindow;
  /** Whether a frame URL is our renderer: the built index.html over file://, or the dev server's URL. */
  isAppUrl: (url: string) => boolean;
}

/**
 * The one module that touches raw IPC (VS Code's validatedIpcMain). Every message is checked: it must come
 * from our window's main frame, showing our renderer — never a subframe, a navigated-away page, or another
 * window. Calls go to Desk's router, which validates the input; answers and errors cross whole.
 */
export function registerDeskIpc({ desk, window, isAppUrl }: DeskIpcOptions): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    if (window.isDestroyed() || !frame) return false;
    return event.sender === window.webContents && frame === window.webContents.mainFrame && isAppUrl(frame.url);
  };

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, message: unknown): Promise<RpcResponse> => {
    if (!trusted(event)) {
      const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
      return { kind: 'result', id, ok: false, error: { code: 'FORBIDDEN', message: 'DeskApi calls are accepted only from the DR Desk window.' } };
    }
    return desk.router.handle(message);
  });

  const detach = desk.router.attach(desk.events, (e) => {
    if (!window.isDestroyed() && isAppUrl(window.webContents.mainFrame.url)) window.webContents.mainFrame.send(IPC_EVENT_CHANNEL, e);
  });

  return () => {
    detach();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}

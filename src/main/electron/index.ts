import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog } from 'electron';
import { DeskError } from '../../shared/errors';
import { defaultDataDir } from '../config/data-dir';
import { createDesk, type Desk } from '../desk';
import { registerDeskIpc } from './ipc';
import { raiseAlertNotifications } from './notifications';
import { KeyringSecretStore } from '../store/keyring-secret-store';
import { migrateDesktopSecrets } from './secret-migration';
import { lockDown } from './security';
import { WindowState } from './window-state';

/**
 * The desktop shell: one window showing the renderer, talking to the engine (Desk) in this process over
 * checked IPC. Options: --topology FILE, --data-dir DIR (or DRDESK_DATA_DIR), --fast (sandbox clock).
 */
const here = dirname(fileURLToPath(import.meta.url));
const rendererIndex = pathToFileURL(join(here, '../renderer/index.html')).href;
const devUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const devOrigin = devUrl ? new URL(devUrl).origin : null;

function isAppUrl(url: string): boolean {
  if (devOrigin) return url.startsWith(`${devOrigin}/`);
  return url === rendererIndex || url.startsWith(`${rendererIndex}#`) || url.startsWith(`${rendererIndex}?`);
}

const { values: args } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  options: { topology: { type: 'string' }, 'data-dir': { type: 'string' }, fast: { type: 'boolean' } },
  strict: false,
});
const dataDir = typeof args['data-dir'] === 'string' ? resolve(args['data-dir']) : defaultDataDir();
const topologyPath = typeof args.topology === 'string' ? resolve(args.topology) : undefined;

let window: BrowserWindow | null = null;
let desk: Desk | null = null;

function focus(): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function createWindow(state: WindowState): BrowserWindow {
  const win = new BrowserWindow({
    ...state.bounds(),
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'DR Desk',
    backgroundColor: '#f3f5f8',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized()) win.maximize();
  state.track(win);
  win.once('ready-to-show', () => win.show());
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDown(isAppUrl, devOrigin);
  // The same keychain entries as the CLI and the agent (@napi-rs/keyring is N-API: it loads here unchanged).
  const secretStore = new KeyringSecretStore(dataDir);
  const migrated = await migrateDesktopSecrets(dataDir, secretStore).catch((err: Error) => {
    console.error(`DR Desk: secrets kept in Electron safeStorage could not be moved to the OS keychain: ${err.message}`);
    return null;
  });
  if (migrated && (migrated.moved.length || migrated.conflicts.length || migrated.failed.length))
    console.error(
      `DR Desk: moved ${migrated.moved.length} secret(s) from Electron safeStorage to the OS keychain` +
        (migrated.conflicts.length ? `; kept the keychain's value for ${migrated.conflicts.join(', ')} (the old copies stay in safe-storage/)` : '') +
        (migrated.failed.length ? `; could not move ${migrated.failed.map((f) => `${f.name} (${f.reason})`).join(', ')}` : ''),
    );
  desk = await createDesk({ dataDir, topologyPath, secretStore, sandbox: { fast: args.fast === true } });
  window = createWindow(new WindowState(dataDir));
  const stopIpc = registerDeskIpc({ desk, window, isAppUrl });
  const stopNotifications = raiseAlertNotifications(desk, focus);
  window.on('closed', () => {
    stopIpc();
    stopNotifications();
    window = null;
  });
  if (devUrl) await window.loadURL(devUrl);
  else await window.loadURL(rendererIndex);
}

function fail(err: unknown): void {
  const message = err instanceof DeskError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`DR Desk could not start: ${message}\n`);
  if (app.isReady()) dialog.showErrorBox('DR Desk could not start', message);
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  app.setPath('userData', dataDir);
  app.on('second-instance', focus);
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('before-quit', (event) => {
    if (!desk || closing) return;
    closing = true;
    event.preventDefault();
    desk.close().finally(() => app.exit(0));
  });
  start().catch(fail);
}

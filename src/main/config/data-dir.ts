import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

/** The app's name on disk; Electron's userData directory for this package has the same name. */
export const APP_DIR_NAME = 'dr-desk';

/**
 * Where settings, history and the secret index live: DRDESK_DATA_DIR, else the platform's per-user
 * configuration directory (the one Electron's app.getPath('userData') returns for this app).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DRDESK_DATA_DIR) return resolve(env.DRDESK_DATA_DIR);
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
  }
}

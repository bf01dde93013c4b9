import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { securePrivateDir } from './data-dir-modes';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DeskError } from '../../shared/errors';

/**
 * Settings, stored the way electron-store stores them: one plain JSON object in `config.json` in the data
 * directory, so the desktop app (electron-store) and the web host / CLI (this class) read the same file.
 * Unknown keys written by other parts of the app are kept.
 */
export const settingsSchema = z.looseObject({
  topologyPath: z.string().min(1).optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

export const SETTINGS_FILE = 'config.json';

export class SettingsFile {
  readonly path: string;

  constructor(readonly dataDir: string) {
    this.path = join(resolve(dataDir), SETTINGS_FILE);
  }

  read(): Settings {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new DeskError('SETTINGS_UNREADABLE', `Cannot read settings ${this.path}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new DeskError('SETTINGS_INVALID', `Settings ${this.path} are not valid JSON: fix or delete the file (it is recreated with defaults)`);
    }
    const r = settingsSchema.safeParse(doc);
    if (!r.success)
      throw new DeskError('SETTINGS_INVALID', `Settings ${this.path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
    return r.data;
  }

  /** Merges `patch` into the stored settings; `undefined` values remove a key. Written atomically. */
  update(patch: Partial<Settings>): Settings {
    const next: Record<string, unknown> = { ...this.read() };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    const parsed = settingsSchema.parse(next);
    securePrivateDir(this.dataDir);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(parsed, null, '\t')}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    return parsed;
  }
}

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import type { SecretInfo } from '../../shared/monitor';
import { assertSecretName, secretKindSchema } from '../store/secret-names';
import type { SecretStore } from '../store/secret-store';

/** Its own folder: the web host and CLI keep their keychain index (secrets-index.json) beside it. */
export const SAFE_STORAGE_DIR = 'safe-storage';
const INDEX_FILE = 'index.json';
const indexSchema = z.array(z.object({ name: z.string(), kind: secretKindSchema, setAt: z.string() }));

function backendDetail(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows DPAPI';
  return safeStorage.getSelectedStorageBackend();
}

/**
 * Secrets encrypted with Electron safeStorage (a key held by the OS keychain), one blob per name in
 * <dataDir>/safe-storage/, plus an index of names, kinds and times. On Linux without a keyring, safeStorage
 * falls back to a fixed key ("basic_text"), which would be plaintext in all but name: refused.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly backend: string;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, SAFE_STORAGE_DIR);
    this.backend = `Electron safeStorage (${backendDetail()})`;
  }

  private assertUsable(action: string): void {
    if (!safeStorage.isEncryptionAvailable() || backendDetail() === 'basic_text')
      throw new DeskError(
        'KEYCHAIN_UNAVAILABLE',
        `Cannot ${action}: Electron safeStorage has no OS keychain here (backend ${backendDetail()}). Start a Secret Service (for example gnome-keyring) or KWallet and restart DR Desk.`,
      );
  }

  private blob(name: string): string {
    assertSecretName(name);
    return join(this.dir, `${name}.bin`);
  }

  async get(name: string): Promise<string | null> {
    const file = this.blob(name);
    this.assertUsable(`read secret "${name}"`);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return safeStorage.decryptString(data);
  }

  async set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo> {
    const file = this.blob(name);
    if (value.length === 0) throw new DeskError('BAD_INPUT', `The value of secret "${name}" is empty: give a non-empty value`, { field: 'value' });
    this.assertUsable(`store secret "${name}"`);
    this.atomicWrite(file, safeStorage.encryptString(value));
    const info: SecretInfo = { name, kind, setAt: new Date().toISOString() };
    this.writeIndex([...this.readIndex().filter((i) => i.name !== name), info]);
    return info;
  }

  async delete(name: string): Promise<boolean> {
    const file = this.blob(name);
    const index = this.readIndex();
    const rest = index.filter((i) => i.name !== name);
    let existed = true;
    try {
      rmSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      existed = false;
    }
    if (rest.length !== index.length) this.writeIndex(rest);
    return existed || rest.length !== index.length;
  }

  async list(): Promise<SecretInfo[]> {
    return this.readIndex().sort((a, b) => a.name.localeCompare(b.name));
  }

  private readIndex(): SecretInfo[] {
    const path = join(this.dir, INDEX_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DeskError('SECRET_INDEX_UNREADABLE', `Cannot read ${path}: ${(err as Error).message}`);
    }
    const r = indexSchema.safeParse(JSON.parse(text));
    if (!r.success) throw new DeskError('SECRET_INDEX_INVALID', `${path} is damaged: delete the folder ${this.dir} and set the secrets again`);
    return r.data;
  }

  private writeIndex(items: SecretInfo[]): void {
    this.atomicWrite(join(this.dir, INDEX_FILE), `${JSON.stringify(items, null, 2)}\n`);
  }

  private atomicWrite(file: string, data: string | Buffer): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
  }
}

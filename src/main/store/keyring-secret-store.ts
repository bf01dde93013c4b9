import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { securePrivateDir } from '../config/data-dir-modes';
import { join } from 'node:path';
import { platform } from 'node:os';
import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import { DeskError } from '../../shared/errors';
import type { SecretInfo } from '../../shared/monitor';
import type { SecretStore } from './secret-store';
import { assertSecretName, isReservedSecretName, secretKindSchema } from './secret-names';
import { z } from 'zod';

export const KEYRING_SERVICE = 'dr-desk';
export const SECRET_INDEX_FILE = 'secrets-index.json';

// On Linux the binding would fall back to the kernel keyutils store, which forgets everything at reboot:
// pin the Secret Service so a missing keychain is an error, not a silent loss.
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

const indexSchema = z.array(z.object({ name: z.string(), kind: secretKindSchema, setAt: z.string() }));

function backendName(): string {
  switch (platform()) {
    case 'darwin':
      return 'macOS Keychain';
    case 'win32':
      return 'Windows Credential Manager';
    default:
      return 'Secret Service';
  }
}

function keychainError(err: unknown, action: string): DeskError {
  return new DeskError(
    'KEYCHAIN_UNAVAILABLE',
    `Cannot ${action} in the OS keychain (${backendName()}): ${(err as Error).message.split('\n')[0]}. Unlock the keychain or start a Secret Service (for example gnome-keyring) in this session.`,
  );
}

/**
 * Secrets in the OS keychain through @napi-rs/keyring, one entry per name under the service "dr-desk".
 * Keychains cannot list entries portably, so names, kinds and times (never values) are indexed in
 * `secrets-index.json` in the data directory.
 */
export class KeyringSecretStore implements SecretStore {
  readonly backend = backendName();
  private readonly indexPath: string;

  constructor(
    private readonly dataDir: string,
    private readonly service = KEYRING_SERVICE,
  ) {
    this.indexPath = join(dataDir, SECRET_INDEX_FILE);
  }

  private entry(name: string, action: string): AsyncEntry {
    try {
      return new AsyncEntry(this.service, name, ENTRY_OPTIONS);
    } catch (err) {
      throw keychainError(err, action);
    }
  }

  async get(name: string): Promise<string | null> {
    assertSecretName(name);
    try {
      return await this.entry(name, `read secret "${name}"`).getPassword();
    } catch (err) {
      throw err instanceof DeskError ? err : keychainError(err, `read secret "${name}"`);
    }
  }

  async set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo> {
    assertSecretName(name);
    if (value.length === 0) throw new DeskError('BAD_INPUT', `The value of secret "${name}" is empty: give a non-empty value`, { field: 'value' });
    try {
      await this.entry(name, `store secret "${name}"`).setPassword(value);
    } catch (err) {
      throw err instanceof DeskError ? err : keychainError(err, `store secret "${name}"`);
    }
    const info: SecretInfo = { name, kind, setAt: new Date().toISOString() };
    this.writeIndex([...this.readIndex().filter((i) => i.name !== name), info]);
    return info;
  }

  async delete(name: string): Promise<boolean> {
    assertSecretName(name);
    let deleted: boolean;
    try {
      deleted = await this.entry(name, `delete secret "${name}"`).deleteCredential();
    } catch (err) {
      throw err instanceof DeskError ? err : keychainError(err, `delete secret "${name}"`);
    }
    const index = this.readIndex();
    const rest = index.filter((i) => i.name !== name);
    if (rest.length !== index.length) this.writeIndex(rest);
    return deleted || rest.length !== index.length;
  }

  async list(): Promise<SecretInfo[]> {
    return this.readIndex()
      .filter((i) => !isReservedSecretName(i.name))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The kind a name was stored as, reserved names included (null when the index does not know it). */
  async kindOf(name: string): Promise<SecretInfo['kind'] | null> {
    return this.readIndex().find((i) => i.name === name)?.kind ?? null;
  }

  private readIndex(): SecretInfo[] {
    let text: string;
    try {
      text = readFileSync(this.indexPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DeskError('SECRET_INDEX_UNREADABLE', `Cannot read ${this.indexPath}: ${(err as Error).message}`);
    }
    const r = indexSchema.safeParse(JSON.parse(text));
    if (!r.success) throw new DeskError('SECRET_INDEX_INVALID', `${this.indexPath} is damaged: delete it and set the secrets again (the keychain keeps their values)`);
    return r.data;
  }

  private writeIndex(items: SecretInfo[]): void {
    securePrivateDir(this.dataDir);
    const tmp = `${this.indexPath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(items, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.indexPath);
  }
}

/** Whether an OS keychain answers here; the reason when it does not (tests skip themselves with it). */
export async function probeKeychain(service = `${KEYRING_SERVICE}-probe`): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const entry = new AsyncEntry(service, 'probe', ENTRY_OPTIONS);
    await entry.getPassword();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `no OS keychain reachable (${backendName()}): ${(err as Error).message.split('\n')[0]}` };
  }
}

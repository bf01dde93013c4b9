import type { SecretInfo } from '../../shared/monitor';
import type { SecretStore } from './secret-store';
import { assertSecretName, isReservedSecretName } from './secret-names';

/** Secrets in process memory only: for unit tests and throwaway sessions. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory';
  private readonly values = new Map<string, { value: string; info: SecretInfo }>();

  async get(name: string): Promise<string | null> {
    return this.values.get(name)?.value ?? null;
  }

  async set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo> {
    assertSecretName(name);
    const info: SecretInfo = { name, kind, setAt: new Date().toISOString() };
    this.values.set(name, { value, info });
    return info;
  }

  async delete(name: string): Promise<boolean> {
    return this.values.delete(name);
  }

  async list(): Promise<SecretInfo[]> {
    return [...this.values.values()]
      .map((v) => v.info)
      .filter((i) => !isReservedSecretName(i.name))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async kindOf(name: string): Promise<SecretInfo['kind'] | null> {
    return this.values.get(name)?.info.kind ?? null;
  }
}

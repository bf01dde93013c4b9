import type { SecretInfo } from '../../../src/shared/monitor';
import type { SecretStore } from '../../../src/main/store/secret-store';

/** A SecretStore that keeps values in this process only: tests must not touch the machine's keychain. */
export class MemorySecrets implements SecretStore {
  readonly backend = 'memory';
  private readonly values = new Map<string, { value: string; info: SecretInfo }>();

  async get(name: string): Promise<string | null> {
    return this.values.get(name)?.value ?? null;
  }

  async set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo> {
    const info = { name, kind, setAt: new Date().toISOString() };
    this.values.set(name, { value, info });
    return info;
  }

  async delete(name: string): Promise<boolean> {
    return this.values.delete(name);
  }

  async list(): Promise<SecretInfo[]> {
    return [...this.values.values()].map((v) => v.info);
  }
}

import type { SecretInfo } from '../../shared/monitor';

/**
 * Secrets (DB passwords, SSH keys and passphrases, a person's private signing key) live only in the OS
 * keychain. Implementations: the Secret Service / macOS Keychain / Windows Credential Manager through
 * @napi-rs/keyring (web host, CLI), Electron safeStorage (desktop app), and an in-memory one for unit tests.
 * The index of names (never values) may be kept on disk so that list() works where the keychain cannot
 * enumerate.
 */
export interface SecretStore {
  /** Where secrets go, for display: "Secret Service (gnome-keyring)", "Electron safeStorage", "memory". */
  readonly backend: string;
  get(name: string): Promise<string | null>;
  set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo>;
  delete(name: string): Promise<boolean>;
  list(): Promise<SecretInfo[]>;
}

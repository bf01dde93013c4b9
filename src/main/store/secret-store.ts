import { DeskError } from '../../shared/errors';
import type { SecretInfo } from '../../shared/monitor';
import { isReservedSecretName, kindFitsPurpose, purposeLabel, secretRef, type SecretPurpose } from './secret-names';

/**
 * Secrets (DB passwords, SSH keys and passphrases, a person's private signing key) live only in the OS
 * keychain. Implementations: the Secret Service / macOS Keychain / Windows Credential Manager through
 * @napi-rs/keyring (desktop app, web host, CLI and agent: one set of entries), and an in-memory one for unit
 * tests. The index of names (never values) may be kept on disk so that list() works where the keychain cannot
 * enumerate.
 *
 * The raw methods take any well-formed name; callers that act for an operator or a topology go through
 * forPurpose(), which refuses the reserved namespaces and a secret stored for another purpose.
 */
export interface SecretStore {
  /** Where secrets go, for display: "Secret Service", "memory". */
  readonly backend: string;
  get(name: string): Promise<string | null>;
  set(name: string, value: string, kind: SecretInfo['kind']): Promise<SecretInfo>;
  delete(name: string): Promise<boolean>;
  /** Operator credentials only: reserved engine records (identity.*, drdesk.*) are never listed. */
  list(): Promise<SecretInfo[]>;
}

/** The secrets of one purpose: every name is checked against it before the keychain is touched. */
export interface PurposeSecrets {
  readonly purpose: SecretPurpose;
  get(name: string, field?: string): Promise<string | null>;
  set(name: string, value: string): Promise<SecretInfo>;
  delete(name: string): Promise<boolean>;
}

const STORED_KIND: Record<SecretPurpose, SecretInfo['kind']> = {
  'db-password': 'password',
  'ssh-password': 'password',
  'ssh-key': 'ssh-key',
  'ssh-passphrase': 'passphrase',
  identity: 'other',
  system: 'other',
};

/** Stores that can say which kind a name was stored as (the keyring index, the memory store). */
interface KindLookup {
  kindOf?(name: string): Promise<SecretInfo['kind'] | null>;
}

export function forPurpose(store: SecretStore, purpose: SecretPurpose): PurposeSecrets {
  const kindOf = async (name: string): Promise<SecretInfo['kind'] | null> => {
    const lookup = (store as SecretStore & KindLookup).kindOf;
    if (lookup) return lookup.call(store, name);
    if (isReservedSecretName(name)) return null;
    return (await store.list()).find((i) => i.name === name)?.kind ?? null;
  };
  return {
    purpose,
    async get(name, field = 'name') {
      const ref = secretRef(purpose, name, field);
      const kind = await kindOf(ref.name);
      if (kind !== null && !kindFitsPurpose(kind, purpose))
        throw new DeskError(
          'SECRET_KIND_MISMATCH',
          `The secret "${name}" was stored as ${kind === 'ssh-key' ? 'an' : 'a'} ${kind}, not as a ${purposeLabel(purpose)}: it is not used here. Name a secret of the right kind in ${field}, or set it again with --kind.`,
          { field, name, purpose, kind },
        );
      return store.get(ref.name);
    },
    async set(name, value) {
      return store.set(secretRef(purpose, name).name, value, STORED_KIND[purpose]);
    },
    async delete(name) {
      return store.delete(secretRef(purpose, name).name);
    },
  };
}

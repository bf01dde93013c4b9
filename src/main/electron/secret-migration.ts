import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSecrets, type SecretMigration } from '../store/migrate-secrets';
import type { SecretStore } from '../store/secret-store';
import { SAFE_STORAGE_DIR, SafeStorageSecretStore } from './safe-storage-secret-store';

/**
 * The desktop app once kept secrets in Electron safeStorage blobs; the CLI and `drdesk agent` could not see
 * them. At start-up they move into the OS keychain entries every process shares. Nothing to do (null) when
 * there is no safe-storage folder; failures are reported, never fatal (the keychain copy is used either way).
 */
export async function migrateDesktopSecrets(dataDir: string, keychain: SecretStore): Promise<SecretMigration | null> {
  if (!existsSync(join(dataDir, SAFE_STORAGE_DIR))) return null;
  const old = new SafeStorageSecretStore(dataDir);
  return migrateSecrets(old, keychain, await old.list());
}

import { userInfo } from 'node:os';
import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import { SettingsFile } from '../config/settings';
import { loadTopologyFile } from '../config/topology-file';
import { DATABASE_FILE, openDatabase, type DeskDatabase } from '../store/database';
import { KeyringSecretStore } from '../store/keyring-secret-store';
import type { SecretStore } from '../store/secret-store';
import { BackupService, type BackupServiceDeps, type BackupServiceOptions } from './service';

/**
 * The backup service for the CLI and `drdesk agent`: the topology file (given or configured), the data
 * directory's SQLite database (the same file the app uses, so both see one chain) and the OS keychain.
 */

export interface OpenOptions {
  topologyPath?: string;
  dataDir: string;
  secrets?: SecretStore;
  echo?: (line: string) => void;
  onProgress?: BackupServiceDeps['onProgress'];
  /** The lease's time to live (default 60 s) and a schedule interval in ms overriding the minutes (agent flags). */
  leaseTtlMs?: number;
  intervalMs?: number;
  /** Continuous mode (`drdesk agent --continuous`) and its slice limits. */
  mode?: BackupServiceOptions['mode'];
  continuous?: BackupServiceOptions['continuous'];
}

export async function openBackupService(o: OpenOptions): Promise<{ service: BackupService; database: DeskDatabase; close: () => Promise<void> }> {
  const path = o.topologyPath ?? new SettingsFile(o.dataDir).read().topologyPath;
  if (!path)
    throw new DeskError('NO_TOPOLOGY', 'No topology given and none configured: pass --topology FILE (a topology with a DR site that has an ssh host for backup slices).');
  const { topology } = await loadTopologyFile(path);
  const database = openDatabase(join(o.dataDir, DATABASE_FILE));
  const service = new BackupService({
    topology,
    secrets: o.secrets ?? new KeyringSecretStore(o.dataDir),
    db: database.db,
    dataDir: o.dataDir,
    echo: o.echo,
    onProgress: o.onProgress,
    // The CLI and the agent share one pipeline with every other workstation through the lease on DR.
    options: { controlLease: { workstation: o.dataDir, identity: userInfo().username, ttlMs: o.leaseTtlMs }, intervalMs: o.intervalMs, mode: o.mode, continuous: o.continuous },
  });
  if (service.configError) {
    database.close();
    throw service.configError;
  }
  return {
    service,
    database,
    close: async () => {
      await service.stop();
      database.close();
    },
  };
}

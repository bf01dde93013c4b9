import { userInfo } from 'node:os';
import type { BackupProgress } from '../../shared/api/backup';
import { BACKUP_ROUTES, createBackupRoutes } from '../backup/feature';
import type { BackupService, BackupServiceOptions } from '../backup/service';
import type { Desk } from '../desk';
import { openDesk } from '../desk-open';
import type { SecretStore } from '../store/secret-store';

/**
 * The backup route for `drdesk backup` and `drdesk agent`: the Desk's own BACKUP_ROUTES, opened for the
 * command on the topology file (given or configured), the data directory's SQLite database (the same file
 * the app uses, so both see one chain) and the OS keychain. Nothing is scheduled unless the agent starts it.
 */

export interface OpenOptions {
  topologyPath?: string;
  dataDir: string;
  secrets?: SecretStore;
  echo?: (line: string) => void;
  onProgress?: (p: BackupProgress) => void;
  /** The lease's time to live (default 60 s) and a schedule interval in ms overriding the minutes (agent flags). */
  leaseTtlMs?: number;
  intervalMs?: number;
  /** Continuous mode (`drdesk agent --continuous`) and its slice limits. */
  mode?: BackupServiceOptions['mode'];
  continuous?: BackupServiceOptions['continuous'];
}

export async function openBackupService(o: OpenOptions): Promise<{ service: BackupService; desk: Desk; close: () => Promise<void> }> {
  const desk = await openDesk({
    dataDir: o.dataDir,
    topologyPath: o.topologyPath,
    secretStore: o.secrets,
    topology: { need: 'file', missing: 'No topology given and none configured: pass --topology FILE (a topology with a DR site that has an ssh host for backup slices).' },
  });
  // The CLI and the agent share one pipeline with every other workstation through the lease on DR.
  const options: BackupServiceOptions = { controlLease: { workstation: o.dataDir, identity: userInfo().username, ttlMs: o.leaseTtlMs }, intervalMs: o.intervalMs, mode: o.mode, continuous: o.continuous };
  desk.provide(BACKUP_ROUTES, (ctx) => createBackupRoutes(ctx, options, o.echo));
  if (o.onProgress) desk.subscribe('backupProgress', o.onProgress);
  let service: BackupService;
  try {
    service = desk.services.get(BACKUP_ROUTES).forward;
    if (service.configError) throw service.configError;
  } catch (err) {
    await desk.close();
    throw err;
  }
  return {
    service,
    desk,
    close: async () => {
      // Stopped here first, so a schedule that does not stop cleanly is the command's error, not a warning.
      await service.stop();
      await desk.close();
    },
  };
}

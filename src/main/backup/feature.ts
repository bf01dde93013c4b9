import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BackupEvents } from '../../shared/api/backup';
import type { Topology } from '../../shared/topology';
import { serviceId, type DeskFeature } from '../feature/contract';
import type { SecretStore } from '../store/secret-store';
import { backupMethods } from './methods';
import { BackupRoutes } from './routes';
import type { BackupServiceOptions } from './service';

/** What the feature needs from Desk's context (a subset of DeskContext in src/main/desk.ts). */
export interface BackupFeatureContext {
  dataDir: string;
  database: { db: Database };
  secrets: SecretStore;
  topology: { topology: Topology };
  /** The sandbox Desk started (no topology configured), else null: its sites are this machine. */
  sandbox: { description: { control: string; topologyFile: string } } | null;
  events: { emit<E extends keyof BackupEvents>(event: E, payload: BackupEvents[E]): void };
}

/** Where the sandbox's receiving sites get their local landing directories (DATA_DIR/sandbox-landing/SITE). */
export const SANDBOX_LANDING_DIR = 'sandbox-landing';

/**
 * The backup routes on a Desk's database, secrets and topology (a local landing on the sandbox), reporting
 * progress and status as DeskApi events. `drdesk agent` provides its own recipe (lease, interval, log echo).
 */
export function createBackupRoutes(ctx: BackupFeatureContext, options: BackupServiceOptions = {}, echo?: (line: string) => void): BackupRoutes {
  return new BackupRoutes({
    echo,
    topology: ctx.topology.topology,
    secrets: ctx.secrets,
    db: ctx.database.db,
    dataDir: ctx.dataDir,
    options,
    sandboxLandingRoot: ctx.sandbox ? join(ctx.dataDir, SANDBOX_LANDING_DIR) : null,
    sandboxInstance: ctx.sandbox ? `${ctx.sandbox.description.control} ${ctx.sandbox.description.topologyFile}` : null,
    onProgress: (p) => ctx.events.emit('backupProgress', p),
    onStatus: (st) => ctx.events.emit('backupStatus', st),
  });
}

/**
 * The backup routes of a Desk: the backup feature schedules and serves them, the runbooks feature runs DR
 * activation's and failback's backup steps through the same services (so their gates and locks cover both),
 * and the operator's picture reads their readiness.
 */
export const BACKUP_ROUTES = serviceId<BackupRoutes>('backup routes', (ctx) => createBackupRoutes(ctx), (routes) => routes.close());

/**
 * The backup feature: DeskApi's backup methods and events, and the schedule running while the app is open
 * (a topology without a DR SSH host shows "not configured"). The routes close with Desk (BACKUP_ROUTES).
 */
export const backupFeature: DeskFeature = (ctx) => {
  const routes = ctx.services.get(BACKUP_ROUTES);
  routes.forward.start();
  return { methods: backupMethods(routes.forward) };
};

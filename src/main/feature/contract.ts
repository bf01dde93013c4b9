import type { DeskEvents, DeskNotification } from '../../shared/desk-api';
import type { SettingsFile } from '../config/settings';
import type { LoadedTopology } from '../config/topology-file';
import type { Monitor } from '../monitor/monitor';
import type { TypedEmitter } from '../monitor/typed-emitter';
import type { MethodTable } from '../rpc/router';
import type { Sandbox } from '../sandbox/types';
import type { DeskDatabase } from '../store/database';
import type { SecretStore } from '../store/secret-store';

/**
 * The contract between the composition root (desk.ts) and the features it installs. It lives apart from
 * both so that a feature depends on the contract, never on the root that lists it.
 */

/** What a feature (backup, approvals, runbooks, drills…) gets to build on. */
export interface DeskContext {
  dataDir: string;
  database: DeskDatabase;
  secrets: SecretStore;
  topology: LoadedTopology;
  /** The sandbox Desk started because no topology was configured, else null. */
  sandbox: Sandbox | null;
  monitor: Monitor;
  /** Emit a DeskEvents event: it reaches every host's subscribers. */
  events: TypedEmitter<DeskEvents>;
  settings: SettingsFile;
  /** Tell the person at the desk (a 'notification' event; hosts raise a desktop notification). */
  notify(title: string, body: string, level: DeskNotification['level'], subject?: string | null): void;
}

/** A feature registers its DeskApi methods (schema + handler) and may clean up when Desk closes. */
export type DeskFeature = (ctx: DeskContext) => FeatureParts | Promise<FeatureParts>;
export interface FeatureParts {
  methods?: MethodTable;
  close?: () => Promise<void>;
}

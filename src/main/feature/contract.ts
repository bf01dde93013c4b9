import type { DeskEvents, DeskNotification } from '../../shared/desk-api';
import type { ActivationInfo, AlertRecord, BackupHeadline, HistoryQuery, Overview, Series, StandingFenceView } from '../../shared/monitor';
import type { SettingsFile } from '../config/settings';
import type { LoadedTopology } from '../config/topology-file';
import type { TypedEmitter } from './typed-emitter';
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
  monitor: MonitorService;
  /** Emit a DeskEvents event: it reaches every host's subscribers. */
  events: TypedEmitter<DeskEvents>;
  settings: SettingsFile;
  /**
   * A Desk opened for one command (desk-open.ts): nothing polls or runs on a schedule, and the monitor has
   * seen nothing — so there is no status to vouch for in a signed request.
   */
  oneShot: boolean;
  /** Tell the person at the desk (a 'notification' event; hosts raise a desktop notification). */
  notify(title: string, body: string, level: DeskNotification['level'], subject?: string | null): void;
  /** The services features share, each built once per Desk on first use. */
  services: DeskServices;
}

/**
 * A service features share (the approvals engine, the backup routes…), named by the feature that provides
 * it and built by the composition root once per Desk, the first time any feature asks — so no feature
 * depends on another's install order, and nothing is looked up in module-level state.
 */
export interface ServiceId<T> {
  readonly name: string;
  create(ctx: DeskContext): T;
  /** Called when Desk closes, after every feature's own close, newest service first. */
  close?(service: T): Promise<void>;
}

export function serviceId<T>(name: string, create: (ctx: DeskContext) => T, close?: (service: T) => Promise<void>): ServiceId<T> {
  return { name, create, close };
}

export interface DeskServices {
  get<T>(id: ServiceId<T>): T;
}

/** What the features use of the monitor (monitor/monitor.ts): the overview, history, alerts and hooks. */
export interface MonitorService {
  /** The latest overview; its `stale` flag recomputed against the current time. */
  overview(): Overview;
  queryHistory(q: HistoryQuery): Series[];
  listAlerts(limit?: number): AlertRecord[];
  /** A secret the probes use changed: reconnect with it at the next poll. */
  secretsChanged(): Promise<void>;
  /** Where the monitor reads the activation and the backup's readiness at every evaluation. */
  setPictureSource(source: SitePictureSource): void;
  /** Runs after every evaluated poll, before `overview` is emitted. */
  onEvaluated(hook: (o: Overview) => void): void;
}

/** What the operator's picture tells the monitor at every evaluation. */
export interface SitePictureSource {
  activation(): ActivationInfo | null;
  backup(): BackupHeadline | null;
  standingFences?(): StandingFenceView[];
}

/** A feature registers its DeskApi methods (schema + handler) and may clean up when Desk closes. */
export type DeskFeature = (ctx: DeskContext) => FeatureParts | Promise<FeatureParts>;
export interface FeatureParts {
  methods?: MethodTable;
  close?: () => Promise<void>;
}

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DeskApi, DeskEventName, DeskEvents, DeskMethodName, DeskMethods, DeskNotification } from '../shared/desk-api';
import type { AlertRecord, HistoryQuery, Overview, SecretInfo, Series } from '../shared/monitor';
import { DeskError } from '../shared/errors';
import type { Topology } from '../shared/topology';
import { SettingsFile } from './config/settings';
import { loadTopologyFile, validateTopology, type LoadedTopology } from './config/topology-file';
import type { Monitor } from './monitor/monitor';
import { TypedEmitter } from './feature/typed-emitter';
import { withDeadline } from './connectors/deadline';
import type { DeskContext, DeskFeature, DeskServices, ServiceId } from './feature/contract';
import { RpcRouter } from './rpc/router';
import type { Sandbox, SandboxOptions } from './sandbox/types';
import { DATABASE_FILE, openDatabase, type DeskDatabase } from './store/database';
import type { SecretStore } from './store/secret-store';

/**
 * The pieces a Desk runs on. A host's Desk (createDesk) has them all built before it starts; a one-shot Desk
 * (desk-open.ts) builds each the first time something asks for it, so a command opens only what it uses.
 */
export interface DeskParts {
  dataDir: string;
  secrets: SecretStore;
  settings: SettingsFile;
  sandbox: Sandbox | null;
  oneShot: boolean;
  topology: () => LoadedTopology;
  database: () => DeskDatabase;
  monitor: () => Monitor;
}

/** A piece built on first use, and closed only if it was. */
class Once<T> {
  private value: T | undefined;
  private made = false;
  constructor(private readonly make: () => T) {}
  get(): T {
    if (!this.made) {
      this.value = this.make();
      this.made = true;
    }
    return this.value as T;
  }
  built(): T | null {
    return this.made ? (this.value as T) : null;
  }
}

/** How long a one-shot command waits for the monitor's connections to close before it exits anyway. */
const ONE_SHOT_CLOSE_MS = 5000;

/**
 * The engine as one object behind DeskApi. Every call — typed, from a host's transport, or in-process —
 * goes through the one router, so input validation and error shapes are the same everywhere.
 */
export class Desk {
  readonly router = new RpcRouter();
  readonly events = new TypedEmitter<DeskEvents>();
  private readonly closers: Array<() => Promise<void>> = [];
  private readonly built = new Map<ServiceId<unknown>, unknown>();
  private readonly building = new Set<ServiceId<unknown>>();
  private readonly provided = new Map<ServiceId<unknown>, (ctx: DeskContext) => unknown>();
  private readonly topology: Once<LoadedTopology>;
  private readonly database: Once<DeskDatabase>;
  private readonly monitor: Once<Monitor>;
  private closed = false;
  /** What the features get: the same object for the Desk's life, its heavy pieces built on first use. */
  readonly ctx: DeskContext;
  /** The context without the hosts' hooks (events, services, notify); tests read the monitor and database here. */
  readonly context: Omit<DeskContext, 'events' | 'notify' | 'monitor' | 'services'> & { monitor: Monitor };

  readonly services: DeskServices = {
    get: <T>(id: ServiceId<T>): T => {
      const key = id as ServiceId<unknown>;
      if (this.built.has(key)) return this.built.get(key) as T;
      if (this.building.has(key)) throw new DeskError('SERVICE_CYCLE', `The service "${id.name}" needs itself while it is being built: two services depend on each other.`);
      this.building.add(key);
      try {
        const create = (this.provided.get(key) as ((ctx: DeskContext) => T) | undefined) ?? id.create;
        const service = create(this.ctx);
        this.built.set(key, service);
        return service;
      } finally {
        this.building.delete(key);
      }
    },
  };

  constructor(parts: DeskParts) {
    const topology = (this.topology = new Once(parts.topology));
    const database = (this.database = new Once(parts.database));
    const monitor = (this.monitor = new Once(() => {
      const m = parts.monitor();
      m.events.onAny((event, payload) => this.events.emit(event as DeskEventName, payload as never));
      return m;
    }));
    const { dataDir, secrets, settings, sandbox, oneShot } = parts;
    // Getters, so a command that never asks for the topology, the database or the monitor never opens them.
    const lazy = {
      get topology() {
        return topology.get();
      },
      get database() {
        return database.get();
      },
      get monitor() {
        return monitor.get();
      },
    };
    this.context = Object.defineProperties({ dataDir, secrets, settings, sandbox, oneShot }, Object.getOwnPropertyDescriptors(lazy)) as Desk['context'];
    const hooks = { events: this.events, services: this.services, notify: this.notify.bind(this) };
    this.ctx = Object.defineProperties({ dataDir, secrets, settings, sandbox, oneShot, ...hooks }, Object.getOwnPropertyDescriptors(lazy)) as DeskContext;
  }

  /**
   * Builds `id` with `create` instead of its own recipe, for this Desk only (a command's options: the agent's
   * lease and schedule). Refused once the service was built: every user of it must see the same one.
   */
  provide<T>(id: ServiceId<T>, create: (ctx: DeskContext) => T): void {
    const key = id as ServiceId<unknown>;
    if (this.built.has(key) || this.building.has(key)) throw new DeskError('SERVICE_BUILT', `The service "${id.name}" is already built: provide its recipe before anything uses it.`);
    this.provided.set(key, create);
  }

  notify(title: string, body: string, level: DeskNotification['level'], subject: string | null = null): void {
    const desktop = this.context.topology.topology.alerts.desktop;
    this.events.emit('notification', { id: randomUUID(), at: new Date().toISOString(), level, title, body, subject, desktop });
  }

  /** Adds a feature's methods; called by createDesk for each entry of src/main/features.ts. */
  async install(feature: DeskFeature): Promise<void> {
    const parts = await feature(this.ctx);
    if (parts.methods) this.router.register(parts.methods);
    if (parts.close) this.closers.push(parts.close);
  }

  call<K extends DeskMethodName>(method: K, input?: DeskMethods[K]['in']): Promise<DeskMethods[K]['out']> {
    return this.router.call(method, input) as Promise<DeskMethods[K]['out']>;
  }

  getOverview(): Promise<Overview> {
    return this.call('getOverview');
  }
  getHistory(q: HistoryQuery): Promise<Series[]> {
    return this.call('getHistory', q);
  }
  getAlerts(input?: { limit?: number }): Promise<AlertRecord[]> {
    return this.call('getAlerts', input);
  }
  getTopology(): Promise<{ source: string; sandbox: boolean; topology: Topology }> {
    return this.call('getTopology');
  }
  listSecrets(): Promise<SecretInfo[]> {
    return this.call('listSecrets');
  }
  setSecret(input: { name: string; kind: SecretInfo['kind']; value: string }): Promise<SecretInfo> {
    return this.call('setSecret', input);
  }
  deleteSecret(input: { name: string }): Promise<{ deleted: boolean }> {
    return this.call('deleteSecret', input);
  }

  subscribe<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** The whole DeskApi in-process (every registered method, validated by the router). */
  api(): DeskApi {
    const subscribe = this.subscribe.bind(this);
    return new Proxy({ subscribe } as DeskApi, {
      get: (target, prop) => {
        if (prop === 'subscribe') return subscribe;
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return (input?: unknown) => this.router.call(prop, input);
      },
    });
  }

  /** Stops polling, closes features, services and the database, and stops the sandbox Desk started. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const monitor = this.monitor.built();
    // A one-shot command exits after its answer: a member that does not hang up does not keep it waiting.
    if (monitor) await (this.context.oneShot ? withDeadline(monitor.stop(), ONE_SHOT_CLOSE_MS, 'closing connections').catch(() => undefined) : monitor.stop());
    for (const c of this.closers.reverse()) await c().catch((err: unknown) => process.emitWarning(`DR Desk: closing a feature failed: ${(err as Error).message}`));
    for (const [id, service] of [...this.built].reverse())
      await id.close?.(service).catch((err: unknown) => process.emitWarning(`DR Desk: closing the ${id.name} failed: ${(err as Error).message}`));
    this.database.built()?.close();
    await this.context.sandbox?.stop();
  }
}

export interface CreateDeskOptions {
  dataDir: string;
  /** A topology file; else the one in the settings; else Desk starts the sandbox and uses its topology. */
  topologyPath?: string;
  secretStore: SecretStore;
  /** Options for the sandbox started when no topology is configured (e.g. { fast: true }). */
  sandbox?: SandboxOptions;
  /** Start polling at once (default true). */
  autoStart?: boolean;
  /** Features to install; default: the list in src/main/features.ts. */
  features?: DeskFeature[];
  /** First webhook retry delay in ms (tests shorten it). */
  webhookBackoffMs?: number;
}

export interface ResolvedTopology {
  loaded: LoadedTopology;
  sandbox: Sandbox | null;
}

/** The topology to watch: the given file, else the configured one, else a sandbox started for it. */
export async function resolveTopology(opts: { dataDir: string; topologyPath?: string; sandbox?: SandboxOptions; forceSandbox?: boolean }): Promise<ResolvedTopology> {
  const path = opts.forceSandbox ? undefined : (opts.topologyPath ?? new SettingsFile(opts.dataDir).read().topologyPath);
  if (path) return { loaded: await loadTopologyFile(path), sandbox: null };
  const { startSandbox } = await import('./sandbox');
  const sandbox = await startSandbox(opts.sandbox ?? {});
  try {
    return { loaded: { topology: validateTopology(sandbox.topology, 'the sandbox topology'), source: sandbox.description.topologyFile }, sandbox };
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}

export async function createDesk(opts: CreateDeskOptions): Promise<Desk> {
  const { loaded, sandbox } = await resolveTopology(opts);
  let database: DeskDatabase | null = null;
  try {
    database = openDatabase(join(opts.dataDir, DATABASE_FILE));
    const db = database;
    // Loaded here, not at the top: a one-shot command that never polls never loads the monitor and its driver.
    const [{ Monitor }, { monitorFeature }] = await Promise.all([import('./monitor/monitor'), import('./monitor/feature')]);
    const monitor = new Monitor({ topology: loaded.topology, secrets: opts.secretStore, database, sandbox: sandbox !== null, webhookBackoffMs: opts.webhookBackoffMs });
    const desk = new Desk({
      dataDir: opts.dataDir,
      secrets: opts.secretStore,
      settings: new SettingsFile(opts.dataDir),
      sandbox,
      oneShot: false,
      topology: () => loaded,
      database: () => db,
      monitor: () => monitor,
    });
    // Loaded only when used, so a Desk built with an explicit list does not load every feature's code.
    // The monitor's methods always: every host shows the overview, whatever features a caller chose.
    await desk.install(monitorFeature(monitor));
    for (const f of opts.features ?? (await import('./features')).features) await desk.install(f);
    if (opts.autoStart !== false) monitor.start();
    return desk;
  } catch (err) {
    database?.close();
    await sandbox?.stop();
    throw err;
  }
}

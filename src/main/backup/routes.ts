import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { Database } from 'better-sqlite3';
import type { BackupProgress, BackupStatus, CycleRecord } from '../../shared/api/backup';
import { DeskError } from '../../shared/errors';
import type { Topology } from '../../shared/topology';
import { openDatabase, type DeskDatabase } from '../store/database';
import type { SecretStore } from '../store/secret-store';
import type { HandoverPoint } from './anchor';
import { BackupService, type BackupServiceOptions } from './service';

/**
 * Both directions of the backup pipeline for one engine: the topology's route (DC → DR, on the Desk's
 * database, scheduled while the app is open) and the route back (DR → DC, for failback), opened on first
 * use with its own database and outbox under DATA_DIR/failback. Each is a BackupService: one cycle at a
 * time through its gate and cross-process lock. On the built-in sandbox each receiving site without an
 * SSH host gets a local landing directory under `sandboxLandingRoot`; a real topology needs SSH hosts.
 */
export interface BackupRoutesDeps {
  topology: Topology;
  secrets: SecretStore;
  /** The forward route's database (the Desk's own). */
  db: Database;
  dataDir: string;
  options?: BackupServiceOptions;
  /** Set only when the engine runs the built-in sandbox (its sites are this machine). */
  sandboxLandingRoot?: string | null;
  /** Which sandbox run this is (control URL, topology file): state left by another run describes data that is gone. */
  sandboxInstance?: string | null;
  echo?: (line: string) => void;
  onProgress?: (p: BackupProgress) => void;
  onStatus?: (s: BackupStatus) => void;
}

export const FAILBACK_DIR = 'failback';

export class BackupRoutes {
  readonly forward: BackupService;
  private back: { service: BackupService; database: DeskDatabase } | null = null;

  constructor(private readonly d: BackupRoutesDeps) {
    this.forward = new BackupService({ ...this.serviceDeps(d.topology, d.topology.backup.to), db: d.db, dataDir: d.dataDir, onProgress: d.onProgress, onStatus: d.onStatus });
    if (d.sandboxInstance) this.adoptSandbox(d.sandboxInstance);
  }

  /**
   * Each app start on the sandbox starts a fresh sandbox: chains, an activation and landed slices left by
   * an earlier run describe data that no longer exists, so they are retired (status then asks for a baseline).
   */
  private adoptSandbox(instance: string): void {
    const store = this.forward.store;
    const previous = store.setting('sandbox-instance');
    if (previous === instance) return;
    const retired = store.retireChains();
    store.setSetting('activation', null);
    if (this.d.sandboxLandingRoot) rmSync(this.d.sandboxLandingRoot, { recursive: true, force: true });
    rmSync(join(this.d.dataDir, FAILBACK_DIR), { recursive: true, force: true });
    store.setSetting('sandbox-instance', instance);
    if (previous !== null || retired) this.forward.log.write({ event: 'sandbox-restarted', retiredChains: retired, previous, instance });
  }

  private serviceDeps(topology: Topology, receiving: string | undefined) {
    const site = receiving ?? topology.sites.find((s) => s.role === 'dr')?.name ?? 'DR';
    const localLanding = this.d.sandboxLandingRoot ? join(this.d.sandboxLandingRoot, site) : undefined;
    // One pipeline across every workstation: the desktop and web hosts take the lease on the target too, so
    // their schedule waits while an agent or another desk runs the backups.
    const controlLease = { workstation: this.d.dataDir, identity: userInfo().username, ...this.d.options?.controlLease };
    return { topology, secrets: this.d.secrets, options: { ...this.d.options, controlLease, localLanding }, echo: this.d.echo };
  }

  /** The route back (failback), opened on first use. */
  reverse(): BackupService {
    if (this.back) return this.back.service;
    const route = this.forward.pipeline.route;
    const topology: Topology = { ...this.d.topology, backup: { ...this.d.topology.backup, from: route.to.name, to: route.from.name } };
    const dataDir = join(this.d.dataDir, FAILBACK_DIR);
    const database = openDatabase(join(dataDir, 'failback.sqlite'));
    const service = new BackupService({ ...this.serviceDeps(topology, route.from.name), db: database.db, dataDir });
    if (service.configError) {
      database.close();
      throw service.configError;
    }
    this.back = { service, database };
    return service;
  }

  /** The service carrying `from` → `to`: the topology's route or the one back. */
  route(from: string, to: string): BackupService {
    const r = this.forward.pipeline.route;
    if (r.from.name === from && r.to.name === to) return this.forward;
    if (r.from.name === to && r.to.name === from) return this.reverse();
    throw new DeskError('BACKUP_ROUTE', `The backup pipeline runs ${r.from.name} → ${r.to.name} (and back for failback), not ${from} → ${to}.`);
  }

  /**
   * Where the route back can start: the point DR was activated at — DR's own position right after the last
   * slice it applied, and DC's position that slice reached. Null when no activation was recorded here.
   */
  private activationPoint(): HandoverPoint | null {
    const a = this.forward.activation();
    if (!a?.sourceTs || !a.targetTs) return null;
    const { from, to } = this.forward.pipeline.route;
    return { sourceTs: a.targetTs, targetTs: a.sourceTs, label: `the last ${from.name} slice ${to.name} applied before its activation at ${a.at}` };
  }

  /**
   * One cycle `from` → `to`. The route back starts (once per activation) with a chain anchored at the
   * activation point when DC changed nothing since — only DR's changes travel — else with a baseline of
   * DR replacing DC's data; the summary says which and why.
   */
  async cycle(from: string, to: string, trigger: CycleRecord['trigger'], signal?: AbortSignal): Promise<{ record: CycleRecord; service: BackupService; started: string | null }> {
    const service = this.route(from, to);
    let started: string | null = null;
    if (service !== this.forward) {
      const activation = this.forward.activation();
      const chain = service.store.currentChain();
      const forActivation = service.store.setting('for-activation');
      if (!chain || chain.state === 'broken' || forActivation !== (activation?.at ?? 'none')) {
        const r = await service.startChain(this.activationPoint(), trigger, { baselineFallback: true, signal });
        if (r.record.error) throw new DeskError(r.record.error.code, `Starting the ${from} → ${to} chain failed: ${r.record.error.message}`);
        service.store.setSetting('for-activation', activation?.at ?? 'none');
        started = r.anchored
          ? `chain anchored, no baseline: ${r.reason}`
          : `baseline ${from} → ${to} (a consistent copy of ${from} replaced ${to}'s data) because ${r.reason}`;
      }
    }
    const record = await service.run('cycle', trigger, true);
    return { record, service, started };
  }

  /**
   * Resumes the topology's route after failback: a new chain anchored where DR's data last equalled DC's
   * (the last slice the route back applied), provided DR changed nothing since — never a baseline over DR
   * data DC may lack. Without an activation, nothing was stopped.
   */
  async resumeForward(trigger: CycleRecord['trigger'], signal?: AbortSignal): Promise<string> {
    const a = this.forward.activation();
    const { from, to } = this.forward.pipeline.route;
    if (!a) return `${from.name} → ${to.name} backups were not stopped: nothing to resume.`;
    const back = this.reverse().store.currentChain();
    if (!back?.appliedTs || !back.targetTs)
      throw new DeskError('BACKUP_NO_HANDOVER', `No ${to.name} → ${from.name} slice was applied on ${from.name} since the activation: run the failback cycles before resuming ${from.name} → ${to.name}.`);
    const point = { sourceTs: back.targetTs, targetTs: back.appliedTs, label: `the last failback slice applied on ${from.name}` };
    const r = await this.forward.startChain(point, trigger, { baselineFallback: false, endsActivation: `failback handed the data back (${point.label})`, signal });
    if (r.record.error) throw new DeskError(r.record.error.code, r.record.error.message);
    return `${from.name} → ${to.name} backups resumed, chain anchored, no baseline: ${r.reason}.`;
  }

  async close(): Promise<void> {
    await this.forward.stop();
    if (this.back) {
      await this.back.service.stop();
      this.back.database.close();
      this.back = null;
    }
  }
}

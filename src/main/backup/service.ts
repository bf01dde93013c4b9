import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BackupControlView, BackupMode, BackupModeChange, BackupProgress, BackupSchedule, BackupStatus, CycleRecord, VerifyReport } from '../../shared/api/backup';
import { DeskError } from '../../shared/errors';
import { describeFailure, isUnreachable, unreachableError } from './cycle-failure';
import { RANGE_MS, type HistoryRange } from '../../shared/monitor';
import type { Topology } from '../../shared/topology';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import type { SecretStore } from '../store/secret-store';
import { BackupLog } from './backup-log';
import { BackupStore } from './backup-store';
import type { HandoverPoint } from './anchor';
import { BackupPipeline, type PipelineOptions, type RunContext } from './pipeline';
import { ProgressTracker } from './progress';
import { BackupScheduler, CycleGate } from './scheduler';
import { buildStatus, notConfiguredStatus } from './status';
import { verifyChain } from './verify';
import { worstPerBucket } from './rpo';
import type { LeaseSession } from '../control/lease-session';
import { ChainState } from '../control/chain-state';
import { ContinuousRunner, type ContinuousOptions } from './continuous/runner';
import { DEFAULT_SLICE_SECONDS } from './continuous/defaults';
import { endActivation, readActivation, recordActivation, routeActivatedError, type ActivationRecord } from './route-activation';
import { controlStatus, controlView, type ControlSources, type ControlStatus, type LeaseStatus } from './control-status';
import { BackupLeaseHolder, type BackupLeaseOptions } from './lease-holder';
import { ModeSwitch } from './mode-switch';

/**
 * The backup feature as one object: pipeline, one-at-a-time gate with deadlines, scheduler, status and
 * RPO sampling. Desk (app, web host), the CLI and `drdesk agent` all drive it through these methods.
 */
export interface BackupServiceOptions extends PipelineOptions {
  /** Cycle deadline; default: the interval (at least 60 s, at most 2 h). */
  cycleDeadlineMs?: number;
  baselineDeadlineMs?: number;
  /** How often the RPO is sampled between cycles while the scheduler runs. */
  rpoSampleMs?: number;
  /**
   * Take the pipeline's lease on the target replica set before each cycle (one pipeline across every
   * workstation): its time to live, after which a stopped holder can be taken over. Off when unset.
   */
  controlLease?: BackupLeaseOptions;
  /** The schedule's interval in ms, overriding the minutes setting (`drdesk agent --interval-seconds`, tests). */
  intervalMs?: number;
  /** "continuous" tails DC's oplog (continuous/runner.ts); "interval" runs cycles on the schedule. Overrides the "mode" setting. */
  mode?: 'continuous' | 'interval';
  continuous?: ContinuousOptions;
}

export interface BackupServiceDeps {
  topology: Topology;
  secrets: SecretStore;
  db: Database;
  dataDir: string;
  options?: BackupServiceOptions;
  /** Also print log lines (agent mode). */
  echo?: (line: string) => void;
  onProgress?: (p: BackupProgress) => void;
  onStatus?: (s: BackupStatus) => void;
}


const LOCK_TTL_MS = 60_000;

export class BackupService {
  readonly store: BackupStore;
  readonly pins: HostKeyPins;
  readonly log: BackupLog;
  private readonly configured: BackupPipeline | null = null;
  /** Why the topology cannot be backed up (no DR site, no SSH host…), or null. */
  readonly configError: DeskError | null = null;
  private readonly gate = new CycleGate();
  private readonly scheduler: BackupScheduler;
  private running: BackupProgress | null = null;
  /** The pipeline's lease on the target: per cycle, or standing while the schedule runs here. */
  private readonly lease: BackupLeaseHolder;
  private sampler: NodeJS.Timeout | null = null;
  private continuous: ContinuousRunner | null = null;
  private readonly modes: ModeSwitch;
  /** This process, as other processes see it in the lock. */
  private readonly owner = `pid ${process.pid} on ${hostname()} (${randomBytes(3).toString('hex')})`;

  constructor(private readonly d: BackupServiceDeps) {
    this.store = new BackupStore(d.db);
    this.pins = new HostKeyPins(d.db);
    this.log = new BackupLog(join(d.dataDir, 'backup', 'backup.log'), undefined, d.echo);
    const interrupted = this.store.failInterruptedCycles();
    if (interrupted) this.log.write({ event: 'interrupted-cycles-failed', count: interrupted });
    try {
      this.configured = new BackupPipeline({ topology: d.topology, secrets: d.secrets, store: this.store, pins: this.pins, dataDir: d.dataDir, log: this.log, options: d.options, keep: () => this.schedule().keep });
    } catch (err) {
      // The rest of the app works without a backup route; the status says what to add to the topology.
      this.configError = err instanceof DeskError ? err : new DeskError('BACKUP_CONFIG', (err as Error).message);
    }
    const o = d.options;
    this.modes = new ModeSwitch({
      fixed: o?.mode, store: this.store, log: this.log, sliceSeconds: o?.continuous?.sliceSeconds ?? DEFAULT_SLICE_SECONDS, followEveryMs: o?.rpoSampleMs ?? 15_000,
      started: () => this.sampler !== null,
      running: () => (this.continuous ? 'continuous' : this.scheduler.isRunning ? 'interval' : null),
      wanted: () => (this.configured ? this.mode() : 'interval'),
      busy: () => this.gate.running?.label ?? null,
      stopRunner: () => this.stopRunner(),
      startRunner: () => this.startRunner(false),
      emitStatus: () => this.emitStatus(),
    });
    this.lease = new BackupLeaseHolder({ options: d.options?.controlLease, dataDir: d.dataDir, pipeline: () => this.pipeline });
    this.scheduler = new BackupScheduler({
      schedule: () => {
        const s = this.schedule();
        return { intervalMs: d.options?.intervalMs ?? s.intervalMinutes * 60_000, enabled: s.enabled };
      },
      // Another workstation's lease: this schedule waits (a refusal, not a failure) and watches DR's chain.
      cycle: () =>
        this.run('cycle', 'schedule', true).catch(async (err: unknown) => {
          if ((err as DeskError).code !== 'LEASE_HELD') throw err;
          this.log.write({ event: 'lease-held', message: (err as Error).message });
          await this.watch();
        }),
      onNextRun: () => this.emitStatus(),
    });
  }

  get pipeline(): BackupPipeline {
    if (!this.configured) throw this.configError as DeskError;
    return this.configured;
  }

  schedule(): BackupSchedule {
    const override = this.store.setting('intervalMinutes');
    const intervalMinutes = override ? Number(override) : this.d.topology.backup.intervalMinutes;
    return {
      mode: this.modes.view(),
      intervalMinutes,
      enabled: this.configured !== null && this.store.setting('enabled') !== 'false' && readActivation(this.store) === null,
      source: override ? 'override' : 'topology',
      keep: this.d.topology.backup.keep,
      deadlineSeconds: Math.round(this.cycleDeadlineMs(intervalMinutes) / 1000),
      nextRunAt: this.scheduler?.nextRunAt ? new Date(this.scheduler.nextRunAt).toISOString() : null,
    };
  }

  /** Continuous or interval: the option (agent flag), else the "mode" setting, else interval. */
  mode(): BackupMode {
    return this.modes.mode();
  }

  /** Persists the mode and, while started, stops the running one cleanly and starts the other (mode-switch.ts). */
  setMode(mode: unknown, by: string): BackupModeChange {
    return this.modes.set(mode, by);
  }

  private cycleDeadlineMs(intervalMinutes: number): number {
    return this.d.options?.cycleDeadlineMs ?? Math.min(2 * 3_600_000, Math.max(60_000, intervalMinutes * 60_000));
  }

  setSchedule(input: { intervalMinutes?: number; enabled?: boolean }): BackupSchedule {
    if (input.intervalMinutes !== undefined) {
      if (!(input.intervalMinutes >= 1)) throw new DeskError('BAD_INPUT', 'The backup interval is at least 1 minute.');
      this.store.setSetting('intervalMinutes', String(input.intervalMinutes));
    }
    if (input.enabled !== undefined) this.store.setSetting('enabled', String(input.enabled));
    this.log.write({ event: 'schedule-changed', ...input });
    // Paused: nothing is scheduled here any more, so nobody should wait for this holder's standing lease.
    if (input.enabled === false && !this.gate.running) void this.lease.stop();
    this.scheduler.reschedule();
    this.emitStatus();
    return this.schedule();
  }

  status(): BackupStatus {
    if (!this.configured) return notConfiguredStatus(this.configError as DeskError, this.schedule(), this.d.topology.targets.rpoSeconds);
    if (this.continuous) return { ...this.buildStatus(), live: this.continuous.live() };
    return this.buildStatus();
  }

  private buildStatus(): BackupStatus {
    return buildStatus({ store: this.store, route: this.pipeline.route, pins: this.pins, schedule: this.schedule(), targetSeconds: this.d.topology.targets.rpoSeconds, continuous: this.mode() === 'continuous' ? { sliceSeconds: this.d.options?.continuous?.sliceSeconds ?? DEFAULT_SLICE_SECONDS } : null, running: this.running, activation: this.activation(), now: this.pipeline.clock(), dcNow: this.pipeline.dcNow() });
  }

  private emitStatus(): void {
    if (this.d.onStatus) this.d.onStatus(this.status());
  }

  private sampleRpo(): void {
    if (!this.configured) return;
    const s = this.status();
    this.store.addRpoSample(Date.now(), s.live ? s.live.seconds : s.rpo.seconds, s.rpo.targetSeconds, s.live ? s.live.level : s.rpo.level);
    this.store.pruneRpo(Date.now() - this.d.topology.historyRetentionDays * 86_400_000);
  }

  /**
   * Runs one cycle or baseline. wait=false returns the running record at once (progress and the outcome
   * arrive as events); wait=true resolves with the finished record. Throws BACKUP_BUSY if one is running,
   * BACKUP_ROUTE_ACTIVATED once the target site was activated (its data would be overwritten).
   */
  async run(kind: CycleRecord['kind'], trigger: CycleRecord['trigger'], wait: boolean): Promise<CycleRecord> {
    this.refuseWhenActivated(kind);
    return this.gated(kind, trigger, wait, (ctx) => (kind === 'baseline' ? this.pipeline.runBaseline(ctx) : this.pipeline.runCycle(ctx)));
  }

  /**
   * Delivers what is already captured — ship, verify at the landing, apply, retention — without a capture,
   * so it works with the source site gone. Through the same one-at-a-time gate, cross-process lock and
   * deadline as a cycle. With `activation`, a successful delivery also records that the target now takes
   * the writes (DR activation): the route stops (no cycle or baseline may overwrite the target) until
   * `resumeAfterActivation` or a failback's route hands back.
   */
  async deliver(trigger: CycleRecord['trigger'], opts: { activation?: string; signal?: AbortSignal } = {}): Promise<CycleRecord> {
    return this.gated(
      'cycle',
      trigger,
      true,
      async (ctx) => {
        await this.pipeline.deliver(ctx);
        if (opts.activation && !this.activation()) recordActivation(this.store, this.log, opts.activation);
      },
      opts.signal,
    );
  }

  /** Capture and ship without applying: the slices wait, verified at the landing (drills stage a fault on them). */
  async stage(trigger: CycleRecord['trigger'], signal?: AbortSignal): Promise<CycleRecord> {
    this.refuseWhenActivated('cycle');
    return this.gated('cycle', trigger, true, (ctx) => this.pipeline.stage(ctx), signal);
  }

  /**
   * Starts a new chain: anchored at `point` when the target changed nothing since (no data copied or
   * replaced); otherwise a baseline when `baselineFallback`, else refused (ANCHOR_REFUSED) — with the reason
   * either way. Recorded as a baseline cycle (it starts a chain). `endsActivation`: this start hands the
   * data back after an activation, so it may run on a stopped route and ends the stop when it succeeds.
   */
  async startChain(
    point: HandoverPoint | null,
    trigger: CycleRecord['trigger'],
    opts: { baselineFallback: boolean; endsActivation?: string; signal?: AbortSignal },
  ): Promise<{ record: CycleRecord; anchored: boolean; reason: string }> {
    if (!opts.endsActivation) this.refuseWhenActivated('baseline');
    let decision = { anchored: false, reason: 'no point is known where both sites held the same data (the activation was not recorded by this route)' };
    const record = await this.gated(
      'baseline',
      trigger,
      true,
      async (ctx) => {
        if (point) decision = await this.pipeline.runAnchored(ctx, point);
        if (!decision.anchored) {
          this.log.write({ event: 'anchor-refused', reason: decision.reason });
          if (!opts.baselineFallback) throw new DeskError('ANCHOR_REFUSED', `The chain cannot start without a baseline: ${decision.reason}.`);
          await this.pipeline.runBaseline(ctx);
        }
        if (opts.endsActivation) this.resumeAfterActivation(opts.endsActivation);
      },
      opts.signal,
    );
    return { record, ...decision };
  }

  /** The recorded activation of the target (DR took over the writes), or null. */
  activation(): ActivationRecord | null {
    return readActivation(this.store);
  }

  /** Ends the stop after an activation (a failback handed the data back, or the activation was undone). */
  resumeAfterActivation(why: string): void {
    if (!endActivation(this.store, this.log, why)) return;
    this.scheduler.reschedule();
    this.emitStatus();
  }

  private refuseWhenActivated(kind: CycleRecord['kind']): void {
    const a = this.activation();
    if (a) throw routeActivatedError(a, kind, this.pipeline.route);
  }

  private async gated(kind: CycleRecord['kind'], trigger: CycleRecord['trigger'], wait: boolean, work: (ctx: RunContext) => Promise<void>, external?: AbortSignal): Promise<CycleRecord> {
    if (!this.configured) throw this.configError as DeskError;
    if (this.gate.running) throw new DeskError('BACKUP_BUSY', `A backup ${this.gate.running.label} is already running: wait for it to finish.`);
    if (this.continuous?.active) throw new DeskError('BACKUP_BUSY', 'Continuous backup is running: stop it (interval mode) before running a cycle or a baseline by hand.');
    const lock = this.store.acquireLock(this.owner, kind, LOCK_TTL_MS);
    if (!lock.ok)
      throw new DeskError('BACKUP_BUSY', `Another DR Desk process (${lock.owner}) is running a backup ${lock.label} on this data directory: wait for it to finish.`);
    let session: LeaseSession | null = null;
    let controlUnavailable: DeskError | null = null;
    try {
      session = await this.lease.take(this.scheduler.isRunning);
    } catch (err) {
      // DR unreachable: the lease cannot be taken, but capturing and shipping change nothing on DR (the
      // slices wait at the landing, verified); the apply is refused until the lease can be taken.
      if (kind === 'cycle' && isUnreachable(err)) controlUnavailable = unreachableError(err, this.pipeline.route.to.name);
      else {
        this.store.releaseLock(this.owner);
        throw err;
      }
    }
    const signals = [external, session?.signal].filter((s): s is AbortSignal => s !== undefined);
    const stopWhen = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const deadlineMs = kind === 'baseline' ? (this.d.options?.baselineDeadlineMs ?? 6 * 3_600_000) : this.cycleDeadlineMs(this.schedule().intervalMinutes);
    const rec = this.store.startCycle(kind, trigger, new Date(Date.now() + deadlineMs));
    this.log.write({ event: `${kind}-started`, cycle: rec.id, trigger });
    const progress = new ProgressTracker({ cycleId: rec.id, kind }, (p) => {
      this.running = p;
      this.d.onProgress?.(p);
    });
    this.running = progress.current;
    this.emitStatus();
    const done = this.gate.run(
      kind === 'baseline' ? 'baseline' : `cycle #${rec.id}`,
      deadlineMs,
      () => {
        // The verdict is written the moment the deadline passes, not when the work finally unwinds.
        this.store.finishCycle(rec.id, 'failed', { code: 'CYCLE_DEADLINE', message: `The ${kind} did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped.` });
        if (this.running) this.running = { ...this.running, message: 'Deadline passed: stopping at the next safe point' };
        this.log.write({ event: 'deadline', cycle: rec.id });
        this.emitStatus();
      },
      async (signal) => {
        const renew = setInterval(() => this.store.acquireLock(this.owner, kind, LOCK_TTL_MS), LOCK_TTL_MS / 3);
        try {
          await work({ cycleId: rec.id, progress, signal, controlUnavailable, control: session ? { chain: session.chain(), lease: () => session!.held, by: session.holderName } : undefined });
          this.store.finishCycle(rec.id, 'ok', null);
          this.log.write({ event: `${kind}-ok`, cycle: rec.id });
        } catch (err) {
          const e = describeFailure(err, this.pipeline.route.to.name);
          this.store.finishCycle(rec.id, 'failed', { code: e.code, message: e.message });
          this.log.write({ event: `${kind}-failed`, cycle: rec.id, code: e.code, message: e.message });
        } finally {
          clearInterval(renew);
          await this.lease.release(session, this.schedule().enabled);
          this.store.releaseLock(this.owner);
          progress.phase('done', 'Finished');
          this.running = null;
          this.sampleRpo();
          this.emitStatus();
        }
        return this.store.cycle(rec.id) as CycleRecord;
      },
      stopWhen,
    );
    if (wait) return done;
    done.catch(() => undefined);
    return rec;
  }

  private control(): ControlSources {
    return { pipeline: this.pipeline, store: this.store, topology: this.d.topology, secrets: this.d.secrets, dataDir: this.d.dataDir, options: this.d.options, cycleRunning: () => this.gate.running !== null };
  }

  /** Who runs this pipeline's backups, as the target replica set says (majority read, server clock). */
  leaseStatus(): Promise<LeaseStatus> {
    return this.lease.status();
  }

  controlStatus(): Promise<ControlStatus> {
    return controlStatus(this.control());
  }

  /** The control status as DeskApi shows it on the Backups page. */
  controlView(): Promise<BackupControlView> {
    return controlView(this.control());
  }

  /**
   * An operator's take-over: a cycle now, taking a lease whose heartbeat stopped for longer than its time
   * to live. Refused (LEASE_HELD, naming the holder) while the holder's heartbeat is fresh.
   */
  async takeOver(): Promise<CycleRecord> {
    await this.lease.assertTakeable();
    return this.run('cycle', 'manual', true);
  }

  /**
   * While another workstation holds the lease this one only watches: its cache follows DR's chain document
   * (so its status and RPO show what DR applied), unless a cycle of this data directory is running.
   */
  private async watch(): Promise<void> {
    if (!this.configured || this.gate.running || this.store.liveLockHolder()) return;
    const client = await this.pipeline.connectTarget().catch(() => null);
    if (!client) return;
    try {
      const state = new ChainState(client, this.pipeline.controlId);
      const held = { pipeline: this.pipeline.controlId, term: 0, token: '', expiresAt: new Date(0) };
      if (await this.pipeline.adoptTargetChain({ cycleId: 0, progress: new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined), control: { chain: state, lease: () => held, by: 'watch' } })) this.emitStatus();
    } catch (err) {
      this.log.write({ event: 'watch-failed', code: (err as DeskError).code, message: (err as Error).message });
    } finally {
      await client.close(true).catch(() => undefined);
    }
  }

  async verify(remote: boolean): Promise<VerifyReport> {
    const landing = remote ? this.pipeline.landing() : null;
    try {
      return await verifyChain(this.store, this.pipeline.outbox, landing);
    } finally {
      landing?.close();
    }
  }

  rpoHistory(range: HistoryRange, maxPoints = 500): { targetSeconds: number; points: Array<[number, number | null]> } {
    return { targetSeconds: this.d.topology.targets.rpoSeconds, points: worstPerBucket(this.store.rpoSince(Date.now() - RANGE_MS[range]), maxPoints) };
  }

  trustHostKey(hostPort: string, fingerprint: string): { hostPort: string; fingerprint: string; pinnedAt: string } {
    const pin = this.pins.pin(hostPort, fingerprint);
    this.log.write({ event: 'host-key-trusted', hostPort, fingerprint });
    this.emitStatus();
    return { hostPort: pin.hostPort, fingerprint: pin.fingerprint, pinnedAt: pin.pinnedAt };
  }

  /** Starts the schedule (app open, or `drdesk agent`) and the RPO sampler (which also follows a mode set elsewhere). */
  start(runNow = false): void {
    this.startRunner(runNow);
    if (!this.sampler) {
      this.sampler = setInterval(() => {
        this.sampleRpo();
        this.modes.follow();
      }, this.d.options?.rpoSampleMs ?? 15_000);
      this.sampler.unref();
    }
  }

  private startRunner(runNow: boolean): void {
    if (this.mode() === 'continuous' && this.configured) {
      this.continuous ??= new ContinuousRunner({
        pipeline: this.pipeline,
        store: this.store,
        log: this.log,
        openLease: () => this.lease.take(false),
        targetSeconds: this.d.topology.targets.rpoSeconds,
        trigger: 'agent',
        options: this.d.options?.continuous,
        gzipLevel: this.d.options?.gzipLevel,
        onProgress: this.d.onProgress,
        onChange: () => this.emitStatus(),
      });
      if (!this.activation()) this.continuous.start();
    } else this.scheduler.start(runNow);
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    await this.stopRunner();
    await this.modes.settled();
  }

  private async stopRunner(): Promise<void> {
    await this.continuous?.stop();
    this.continuous = null;
    await this.scheduler.stop();
    await this.lease.stop();
  }
}

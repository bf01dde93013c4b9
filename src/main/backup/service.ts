import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BackupProgress, BackupSchedule, BackupStatus, CycleRecord, VerifyReport } from '../../shared/api/backup';
import { DeskError, serializeError } from '../../shared/errors';
import type { HistoryRange } from '../../shared/monitor';
import type { Topology } from '../../shared/topology';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import type { SecretStore } from '../store/secret-store';
import { BackupLog } from './backup-log';
import { BackupStore } from './backup-store';
import { BackupPipeline, type PipelineOptions } from './pipeline';
import { ProgressTracker } from './progress';
import { BackupScheduler, CycleGate } from './scheduler';
import { buildStatus, notConfiguredStatus } from './status';
import { verifyChain } from './verify';

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

const RANGE_MS: Record<HistoryRange, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

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
  private sampler: NodeJS.Timeout | null = null;
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
    this.scheduler = new BackupScheduler({
      schedule: () => {
        const s = this.schedule();
        return { intervalMs: s.intervalMinutes * 60_000, enabled: s.enabled };
      },
      cycle: () => this.run('cycle', 'schedule', true),
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
      intervalMinutes,
      enabled: this.configured !== null && this.store.setting('enabled') !== 'false',
      source: override ? 'override' : 'topology',
      keep: this.d.topology.backup.keep,
      deadlineSeconds: Math.round(this.cycleDeadlineMs(intervalMinutes) / 1000),
      nextRunAt: this.scheduler?.nextRunAt ? new Date(this.scheduler.nextRunAt).toISOString() : null,
    };
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
    this.scheduler.reschedule();
    this.emitStatus();
    return this.schedule();
  }

  status(): BackupStatus {
    if (!this.configured) return notConfiguredStatus(this.configError as DeskError, this.schedule(), this.d.topology.targets.rpoSeconds);
    return buildStatus({ store: this.store, route: this.pipeline.route, pins: this.pins, schedule: this.schedule(), targetSeconds: this.d.topology.targets.rpoSeconds, running: this.running });
  }

  private emitStatus(): void {
    if (this.d.onStatus) this.d.onStatus(this.status());
  }

  private sampleRpo(): void {
    if (!this.configured) return;
    const s = this.status();
    this.store.addRpoSample(Date.now(), s.rpo.seconds, s.rpo.targetSeconds, s.rpo.level);
    this.store.pruneRpo(Date.now() - this.d.topology.historyRetentionDays * 86_400_000);
  }

  /**
   * Runs one cycle or baseline. wait=false returns the running record at once (progress and the outcome
   * arrive as events); wait=true resolves with the finished record. Throws BACKUP_BUSY if one is running.
   */
  async run(kind: CycleRecord['kind'], trigger: CycleRecord['trigger'], wait: boolean): Promise<CycleRecord> {
    if (!this.configured) throw this.configError as DeskError;
    if (this.gate.running) throw new DeskError('BACKUP_BUSY', `A backup ${this.gate.running.label} is already running: wait for it to finish.`);
    const lock = this.store.acquireLock(this.owner, kind, LOCK_TTL_MS);
    if (!lock.ok)
      throw new DeskError('BACKUP_BUSY', `Another DR Desk process (${lock.owner}) is running a backup ${lock.label} on this data directory: wait for it to finish.`);
    const deadlineMs = kind === 'baseline' ? (this.d.options?.baselineDeadlineMs ?? 6 * 3_600_000) : this.cycleDeadlineMs(this.schedule().intervalMinutes);
    const rec = this.store.startCycle(kind, trigger, new Date(Date.now() + deadlineMs));
    this.log.write({ event: `${kind}-started`, cycle: rec.id, trigger });
    const progress = new ProgressTracker({ cycleId: rec.id, kind }, (p) => {
      this.running = p;
      this.d.onProgress?.(p);
    });
    this.running = progress.current;
    this.emitStatus();
    const work = this.gate.run(
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
        const ctx = { cycleId: rec.id, progress, signal };
        const renew = setInterval(() => this.store.acquireLock(this.owner, kind, LOCK_TTL_MS), LOCK_TTL_MS / 3);
        try {
          if (kind === 'baseline') await this.pipeline.runBaseline(ctx);
          else await this.pipeline.runCycle(ctx);
          this.store.finishCycle(rec.id, 'ok', null);
          this.log.write({ event: `${kind}-ok`, cycle: rec.id });
        } catch (err) {
          const e = serializeError(err);
          this.store.finishCycle(rec.id, 'failed', { code: e.code, message: e.message });
          this.log.write({ event: `${kind}-failed`, cycle: rec.id, code: e.code, message: e.message });
        } finally {
          clearInterval(renew);
          this.store.releaseLock(this.owner);
          progress.phase('done', 'Finished');
          this.running = null;
          this.sampleRpo();
          this.emitStatus();
        }
        return this.store.cycle(rec.id) as CycleRecord;
      },
    );
    if (wait) return work;
    work.catch(() => undefined);
    return rec;
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
    const rows = this.store.rpoSince(Date.now() - RANGE_MS[range]);
    const targetSeconds = this.d.topology.targets.rpoSeconds;
    if (rows.length <= maxPoints) return { targetSeconds, points: rows.map((r) => [r.at, r.seconds]) };
    // Keep each bucket's worst value: a chart of RPO must not smooth away the peaks.
    const size = Math.ceil(rows.length / maxPoints);
    const points: Array<[number, number | null]> = [];
    for (let i = 0; i < rows.length; i += size) {
      const bucket = rows.slice(i, i + size);
      const worst = bucket.reduce((a, b) => ((b.seconds ?? -1) > (a.seconds ?? -1) ? b : a));
      points.push([worst.at, worst.seconds]);
    }
    return { targetSeconds, points };
  }

  trustHostKey(hostPort: string, fingerprint: string): { hostPort: string; fingerprint: string; pinnedAt: string } {
    const pin = this.pins.pin(hostPort, fingerprint);
    this.log.write({ event: 'host-key-trusted', hostPort, fingerprint });
    this.emitStatus();
    return { hostPort: pin.hostPort, fingerprint: pin.fingerprint, pinnedAt: pin.pinnedAt };
  }

  /** Starts the schedule (app open, or `drdesk agent`) and the RPO sampler. */
  start(runNow = false): void {
    this.scheduler.start(runNow);
    if (!this.sampler) {
      this.sampler = setInterval(() => this.sampleRpo(), this.d.options?.rpoSampleMs ?? 15_000);
      this.sampler.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    await this.scheduler.stop();
  }
}

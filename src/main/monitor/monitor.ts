import type { MonitorEvents } from '../../shared/api/monitor';
import type { AlertRecord, HistoryQuery, Overview, Series } from '../../shared/monitor';
import type { Topology } from '../../shared/topology';
import type { DeskDatabase } from '../store/database';
import type { SecretStore } from '../store/secret-store';
import { AlertLog } from './alert-log';
import { AlertManager } from './alerts';
import { Collector } from './collector';
import { HistoryStore } from './history';
import { MonitorMemory } from './memory';
import type { CycleObservation } from '../connectors/probe-types';
import { evaluate } from './rules';
import { PollScheduler } from './scheduler';
import { TypedEmitter } from '../feature/typed-emitter';
import type { MonitorService, SitePictureSource } from '../feature/contract';
import { buildDraft } from './views';

export interface MonitorOptions {
  topology: Topology;
  secrets: SecretStore;
  /** Where history and alerts go; without it (a one-shot `drdesk status`) nothing is stored. */
  database?: DeskDatabase;
  sandbox?: boolean;
  /** First webhook retry delay (tests shorten it). */
  webhookBackoffMs?: number;
  /**
   * How long a cycle waits for its probes. Default: the poll interval, or one probe's deadline if that is
   * shorter — a slower probe reports when it finishes. A one-shot status waits for every probe.
   */
  cycleBudgetMs?: number;
}

const PRUNE_EVERY_MS = 3_600_000;

/** What the monitor reads from the backup feature at every evaluation: who takes the writes, and readiness. */
/**
 * The monitor: polls every member and application URL on a schedule, remembers what it saw, evaluates the
 * rules, stores history, raises alerts, and emits `overview` after every poll and `alert` on a change.
 */
export class Monitor implements MonitorService {
  readonly events = new TypedEmitter<MonitorEvents>();
  readonly history: HistoryStore | null;
  readonly alertLog: AlertLog | null;
  private readonly memory = new MonitorMemory();
  private readonly collector: Collector;
  private readonly scheduler: PollScheduler;
  private readonly alerts: AlertManager;
  private current: Overview;
  private lastPrune = 0;
  private picture: SitePictureSource | null = null;
  private readonly overviewHooks: Array<(o: Overview) => void> = [];

  constructor(private readonly opts: MonitorOptions) {
    const t = opts.topology;
    this.collector = new Collector(t, opts.secrets);
    this.history = opts.database ? new HistoryStore(opts.database) : null;
    this.alertLog = opts.database ? new AlertLog(opts.database) : null;
    this.alerts = new AlertManager(
      { topologyName: t.name, desktop: t.alerts.desktop, webhookUrl: t.alerts.webhookUrl, webhookRetries: t.alerts.webhookRetries, timeoutMs: t.requestTimeoutMs, backoffMs: opts.webhookBackoffMs },
      this.alertLog,
      (a) => this.events.emit('alert', a),
    );
    this.scheduler = new PollScheduler(() => this.cycle(), t.pollIntervalSeconds * 1000);
    this.collector.onLate = (late) => this.update(late);
    this.current = this.build(Date.now());
  }

  private get cycleBudgetMs(): number {
    return this.opts.cycleBudgetMs ?? Math.min(this.pollIntervalMs, this.collector.probeBoundMs);
  }

  /** Results that came after their cycle: shown and alerted at once; history keeps the cycle's rhythm. */
  private update(late: CycleObservation): void {
    this.memory.record(late, true);
    this.current = this.build(Date.now());
    this.alerts.onOverview(this.current);
    this.events.emit('overview', this.current);
  }

  get pollIntervalMs(): number {
    return this.scheduler.intervalMs;
  }

  /** Reads activation and backup readiness into every evaluation from now on (the backup feature's view). */
  setPictureSource(source: SitePictureSource): void {
    this.picture = source;
    this.current = this.build(Date.now());
  }

  /** Runs after every evaluated poll, before `overview` is emitted (the standing fence watches here). */
  onEvaluated(hook: (o: Overview) => void): void {
    this.overviewHooks.push(hook);
  }

  private build(now: number): Overview {
    const draft = buildDraft(this.opts.topology, this.memory, { sandbox: this.opts.sandbox ?? false, pollIntervalMs: this.pollIntervalMs, now });
    const elections = new Map([...this.memory.replicaSets].map(([k, v]) => [k, v.lastElection]));
    const picture = this.picture ? { activation: safe(() => this.picture!.activation()), backup: safe(() => this.picture!.backup()) } : {};
    const evaluated = evaluate(draft, { thresholds: this.opts.topology.thresholds, now, elections, ...picture });
    const fences = this.picture?.standingFences ? safe(() => this.picture!.standingFences!()) : null;
    const o = fences ? { ...evaluated, standingFences: fences } : evaluated;
    if (o.polledAt !== null) for (const h of this.overviewHooks) safe(() => h(o));
    return o;
  }

  private async cycle(): Promise<void> {
    const cycle = await this.collector.collect(this.cycleBudgetMs);
    this.memory.record(cycle);
    this.current = this.build(Date.now());
    this.history?.recordOverview(this.current);
    this.alerts.onOverview(this.current);
    this.events.emit('overview', this.current);
    if (this.history && Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      const days = this.opts.topology.historyRetentionDays;
      this.history.prune(days);
      this.alertLog?.prune(new Date(Date.now() - days * 86_400_000).toISOString());
    }
  }

  start(): void {
    this.scheduler.start();
  }

  /** Polls now (or joins the poll in progress) and returns the resulting overview. */
  async pollOnce(): Promise<Overview> {
    await this.scheduler.runNow();
    return this.current;
  }

  /** The latest overview; its `stale` flag is recomputed against the current time. */
  overview(): Overview {
    const staleBefore = Date.now() - 2 * this.pollIntervalMs;
    const late = this.current.polledAt !== null && Date.parse(this.current.polledAt) < staleBefore;
    return late && !this.current.stale ? { ...this.current, stale: true } : this.current;
  }

  queryHistory(q: HistoryQuery): Series[] {
    return this.history?.query(q) ?? [];
  }

  listAlerts(limit?: number): AlertRecord[] {
    return this.alertLog?.list(limit) ?? [];
  }

  /** A secret changed: reconnect, so the next poll uses the new password. */
  async secretsChanged(): Promise<void> {
    await this.collector.resetConnections();
  }

  /** Waits for webhook deliveries in flight (tests). */
  alertsIdle(): Promise<void> {
    return this.alerts.idle();
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    await this.alerts.stop();
    await this.collector.close();
  }
}

/** A broken source must not stop the monitor: the overview shows what is known without it. */
function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

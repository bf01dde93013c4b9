import { DeskError } from '../../shared/errors';

/**
 * Runs backup cycles one at a time. A cycle that passes its deadline is declared failed at that moment
 * (its record says so, the status turns red) and is told to stop through its AbortSignal; the gate stays
 * closed until it has actually stopped, so two cycles never touch the chain at once.
 */
export interface RunningCycle {
  label: string;
  startedAt: number;
  deadlineAt: number;
  overran: boolean;
}

export class CycleGate {
  private current: RunningCycle | null = null;

  get running(): RunningCycle | null {
    return this.current;
  }

  /** `external`: a caller's own signal (a runbook step's deadline or cancel) also stops the work at its next safe point. */
  async run<T>(label: string, deadlineMs: number, onDeadline: () => void, fn: (signal: AbortSignal) => Promise<T>, external?: AbortSignal): Promise<T> {
    if (this.current)
      throw new DeskError(
        'BACKUP_BUSY',
        `A backup ${this.current.label} is already running (since ${new Date(this.current.startedAt).toISOString()}${this.current.overran ? ', past its deadline and stopping' : ''}): wait for it to finish.`,
      );
    const startedAt = Date.now();
    const me: RunningCycle = { label, startedAt, deadlineAt: startedAt + deadlineMs, overran: false };
    this.current = me;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      me.overran = true;
      ctrl.abort(new DeskError('CYCLE_DEADLINE', `The backup ${label} did not finish within its deadline of ${Math.round(deadlineMs / 1000)} s and was stopped: check the transfer rate to DR and the size of the slices.`));
      onDeadline();
    }, deadlineMs);
    const forward = () => ctrl.abort(external?.reason instanceof Error ? external.reason : new DeskError('CYCLE_ABORTED', `The backup ${label} was stopped by its caller.`));
    if (external?.aborted) forward();
    else external?.addEventListener('abort', forward, { once: true });
    try {
      return await fn(ctrl.signal);
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', forward);
      this.current = null;
    }
  }
}

/** Throws the abort reason when the signal fired: called between steps, so a cycle stops at a safe point. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DeskError('CYCLE_ABORTED', 'The backup cycle was stopped.');
}

export interface SchedulerOptions {
  /** Current interval and on/off switch, read before each wait so a schedule change applies at once. */
  schedule: () => { intervalMs: number; enabled: boolean };
  /** One cycle; its errors are its own business (recorded in its history), the scheduler keeps going. */
  cycle: () => Promise<unknown>;
  /** Called with the time of the next run (null when paused). */
  onNextRun?: (at: number | null) => void;
}

/**
 * Fixed-rate scheduling from the start of the previous cycle. A cycle longer than the interval delays the
 * next one (runs it right after) instead of stacking them.
 */
export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private active: Promise<unknown> | null = null;
  private stopped = true;
  private lastStart = 0;
  private next: number | null = null;

  constructor(private readonly opts: SchedulerOptions) {}

  get nextRunAt(): number | null {
    return this.next;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  start(runNow = false): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.lastStart = runNow ? 0 : Date.now();
    this.arm();
  }

  /** Re-reads the schedule (after setBackupSchedule) and re-arms the timer. */
  reschedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.active) this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.setNext(null);
    await this.active?.catch(() => undefined);
  }

  private setNext(at: number | null): void {
    this.next = at;
    this.opts.onNextRun?.(at);
  }

  private arm(): void {
    if (this.stopped) return;
    const { intervalMs, enabled } = this.opts.schedule();
    if (!enabled) {
      this.setNext(null);
      // Paused: look again in a minute so re-enabling from another process is noticed.
      this.timer = setTimeout(() => this.arm(), 60_000);
      this.timer.unref();
      return;
    }
    const at = Math.max(Date.now(), this.lastStart + intervalMs);
    this.setNext(at);
    this.timer = setTimeout(() => this.fire(), at - Date.now());
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped) return;
    this.lastStart = Date.now();
    this.setNext(null);
    this.active = this.opts
      .cycle()
      .catch(() => undefined)
      .finally(() => {
        this.active = null;
        this.arm();
      });
  }
}

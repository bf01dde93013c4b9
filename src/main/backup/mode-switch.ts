import { BACKUP_MODES, type BackupMode, type BackupModeChange, type BackupModeView } from '../../shared/api/backup';
import { DeskError } from '../../shared/errors';
import type { BackupLog } from './backup-log';
import type { BackupStore } from './backup-store';

/** The data directory's setting that holds the mode chosen from the app, the CLI or the API. */
export const MODE_SETTING = 'mode';

/** What the switch needs from the service: its runners (scheduler or continuous) and whether it runs them. */
export interface ModeRunners {
  /** The agent's option: it decides, the setting is ignored. */
  fixed: BackupMode | undefined;
  store: BackupStore;
  log: BackupLog;
  sliceSeconds: number;
  /** How often a started service compares the setting with what it runs (another process may have changed it). */
  followEveryMs: number;
  /** start() was called and stop() not yet: this process runs the backups. */
  started(): boolean;
  /** The mode this process runs now, or null while neither runner is up. */
  running(): BackupMode | null;
  /** The mode start() would run now (interval when the route is not configured). */
  wanted(): BackupMode;
  /** A cycle or baseline in the gate ("cycle #12"), or null. */
  busy(): string | null;
  /** Stops the scheduler or the continuous runner the way stop() does: a cycle finishes, the tailer stops at its safe point. */
  stopRunner(): Promise<void>;
  startRunner(): void;
  emitStatus(): void;
}

export function parseMode(value: unknown): BackupMode {
  if (BACKUP_MODES.includes(value as BackupMode)) return value as BackupMode;
  throw new DeskError('BACKUP_MODE', `"${String(value).slice(0, 40)}" is not a backup mode: use "interval" (cycles on the schedule) or "continuous" (DC's oplog tailed, a slice every few seconds).`);
}

const LABEL: Record<BackupMode, string> = { interval: 'interval mode (cycles on the schedule)', continuous: 'continuous mode (DC\'s oplog tailed)' };

/**
 * Interval ↔ continuous while the service runs: the setting is written at once and the switch runs behind
 * the answer (a scheduled cycle in progress finishes first, which may take longer than a call may wait),
 * one switch at a time. A started service also follows a change made by another process (the CLI).
 */
export class ModeSwitch {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private waitingFor: string | null = null;

  constructor(private readonly r: ModeRunners) {}

  /** Continuous or interval: the option (agent flag), else the setting, else interval. */
  mode(): BackupMode {
    return this.r.fixed ?? (this.r.store.setting(MODE_SETTING) === 'continuous' ? 'continuous' : 'interval');
  }

  view(): BackupModeView {
    const setting = this.r.store.setting(MODE_SETTING);
    return { current: this.mode(), source: this.r.fixed ? 'agent' : setting ? 'setting' : 'default', sliceSeconds: this.r.sliceSeconds, switching: this.waitingFor };
  }

  set(input: unknown, by: string): BackupModeChange {
    const mode = parseMode(input);
    if (this.r.fixed)
      throw new DeskError(
        'BACKUP_MODE_FIXED',
        `This agent was started with ${this.r.fixed === 'continuous' ? '--continuous' : `the ${this.r.fixed} mode option`}: the agent's flag decides the mode, not the setting. Restart the agent without it to switch from the Backups page, the CLI or the API.`,
      );
    const from = this.mode();
    if (from === mode) return { mode, changed: false, message: `Already in ${LABEL[mode]}: nothing changed.` };
    this.r.store.setSetting(MODE_SETTING, mode);
    this.r.log.write({ event: 'mode-changed', from, to: mode, by });
    const started = this.r.started();
    if (started) this.apply();
    this.r.emitStatus();
    const slice = mode === 'continuous' ? `, a slice every ${this.r.sliceSeconds} s` : '';
    return {
      mode,
      changed: true,
      message: started
        ? `Switching to ${LABEL[mode]}${slice}: ${from === 'interval' ? 'a cycle in progress finishes first' : 'the tailer stops at its next safe point'}.`
        : `Saved: ${LABEL[mode]}${slice}. A DR Desk or drdesk agent running on this data directory switches within ${Math.ceil(this.r.followEveryMs / 1000)} s (an agent started with --continuous stays continuous).`,
    };
  }

  /** The sampler's tick: the setting changed under a started service (another process wrote it). */
  follow(): void {
    if (!this.r.started() || this.pending > 0 || this.r.running() === this.r.wanted()) return;
    this.r.log.write({ event: 'mode-followed', to: this.r.wanted(), by: 'the setting (changed by another process)' });
    this.apply();
  }

  /** Resolves once every switch asked for so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  private apply(): void {
    this.pending++;
    this.waitingFor ??= this.waitSentence();
    this.queue = this.queue
      .then(() => this.switchRunner())
      .catch((err: unknown) => this.r.log.write({ event: 'mode-switch-failed', code: (err as DeskError).code, message: (err as Error).message }))
      .finally(() => {
        this.pending--;
        this.waitingFor = null;
        this.r.emitStatus();
      });
  }

  private async switchRunner(): Promise<void> {
    const was = this.r.running();
    if (!this.r.started() || was === this.r.wanted()) return;
    this.waitingFor = this.waitSentence();
    this.r.emitStatus();
    await this.r.stopRunner();
    // A cycle or baseline started by hand holds the gate and the data directory's lock: the tailer starts after it.
    while (this.r.started() && this.r.wanted() === 'continuous' && this.r.busy()) {
      this.waitingFor = `${this.r.busy()} to finish`;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Whatever the setting says by now (it may have been switched back meanwhile); nothing once the service stopped.
    if (!this.r.started()) return;
    this.r.startRunner();
    this.r.log.write({ event: 'mode-switched', from: was, to: this.r.running() });
  }

  private waitSentence(): string {
    const busy = this.r.busy();
    return this.r.running() === 'continuous' ? 'the tailer to stop at its safe point' : busy ? `${busy} to finish` : 'the schedule to stop';
  }
}

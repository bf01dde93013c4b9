import type { BackupPhase, BackupProgress } from '../../shared/api/backup';

/**
 * The running cycle's progress: phase, counters and an ETA from the phase's own rate. Pushed at most every
 * `throttleMs` (a copy of millions of documents must not flood the UI), and always on a phase change.
 */
export class ProgressTracker {
  private state: BackupProgress;
  private phaseStartedAt = Date.now();
  private lastEmit = 0;
  private suppressed = false;

  constructor(
    base: { cycleId: number; kind: BackupProgress['kind'] },
    private readonly emit: (p: BackupProgress) => void,
    private readonly throttleMs = 250,
  ) {
    this.state = {
      ...base,
      phase: 'connect',
      message: 'Connecting',
      slice: null,
      collections: null,
      documents: null,
      bytes: null,
      startedAt: new Date().toISOString(),
      etaSeconds: null,
    };
  }

  get current(): BackupProgress {
    return this.state;
  }

  phase(phase: BackupPhase, message: string, extra: Partial<Pick<BackupProgress, 'slice' | 'collections' | 'documents' | 'bytes'>> = {}): void {
    // The previous phase's last counters go out first, so bars end where the work ended.
    if (this.suppressed) this.push(true);
    this.phaseStartedAt = Date.now();
    this.state = { ...this.state, phase, message, documents: null, bytes: null, etaSeconds: null, ...extra };
    this.push(true);
  }

  update(patch: Partial<Pick<BackupProgress, 'collections' | 'documents' | 'bytes' | 'message'>>): void {
    this.state = { ...this.state, ...patch };
    this.state.etaSeconds = this.eta();
    this.push(false);
  }

  private eta(): number | null {
    const elapsed = (Date.now() - this.phaseStartedAt) / 1000;
    const measure = this.state.bytes?.total ? this.state.bytes : this.state.documents?.total ? this.state.documents : null;
    if (!measure || measure.total === null || measure.done <= 0 || elapsed < 0.5) return null;
    const rate = measure.done / elapsed;
    return Math.max(0, Math.round((measure.total - measure.done) / rate));
  }

  private push(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < this.throttleMs) {
      this.suppressed = true;
      return;
    }
    this.suppressed = false;
    this.lastEmit = now;
    this.emit({ ...this.state });
  }
}

/** A transfer or copy rate as the progress messages write it. */
export function rateText(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 * 1024 ? `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s` : `${Math.round(bytesPerSecond / 1024)} KiB/s`;
}

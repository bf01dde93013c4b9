/**
 * Runs a task every `intervalMs`, never two at once: a cycle that overruns delays the next one instead of
 * overlapping it. runNow() joins the cycle in progress rather than starting a second.
 */
export class PollScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private active = false;

  constructor(
    private readonly task: () => Promise<void>,
    readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.tick();
  }

  runNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.task()
      .catch((err: unknown) => process.emitWarning(`DR Desk poll cycle failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private tick(): void {
    if (!this.active) return;
    const started = Date.now();
    void this.runNow().then(() => {
      if (!this.active) return;
      const wait = Math.max(0, started + this.intervalMs - Date.now());
      this.timer = setTimeout(() => this.tick(), wait);
    });
  }

  /** Stops scheduling and waits for a cycle in progress. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}

import type { DeskApi } from '../../shared/desk-api';
import type { DeskError } from '../../shared/errors';
import type { Overview } from '../../shared/monitor';
import { toDeskError } from '../desk-client/bridge-client';
import type { ConnectionMonitor } from '../desk-client/connection';

export interface OverviewSnapshot {
  overview: Overview | null;
  /** When this renderer last received an overview (its own clock). */
  receivedAt: number | null;
  error: DeskError | null;
}

const DEFAULT_POLL_MS = 5_000;

/**
 * The live overview, shared by every page: the first value comes from getOverview, later ones are pushed
 * ('overview' events). After a reconnect, or when pushes stop arriving, it asks again, so what is shown is
 * either fresh or visibly stale — never silently old.
 */
export class OverviewStore {
  private snapshot: OverviewSnapshot = { overview: null, receivedAt: null, error: null };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: DeskApi,
    private readonly connection: ConnectionMonitor,
  ) {}

  start(): () => void {
    const offEvent = this.api.subscribe('overview', (o) => this.accept(o));
    const offConn = this.connection.onChange((s) => {
      if (s.kind === 'open') this.refresh();
    });
    const timer = setInterval(() => {
      const poll = this.snapshot.overview?.pollIntervalMs ?? DEFAULT_POLL_MS;
      if (this.snapshot.receivedAt === null || Date.now() - this.snapshot.receivedAt > poll * 1.5) this.refresh();
    }, DEFAULT_POLL_MS / 2);
    this.refresh();
    return () => {
      offEvent();
      offConn();
      clearInterval(timer);
    };
  }

  readonly getSnapshot = (): OverviewSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private refresh(): void {
    this.api.getOverview().then(
      (o) => this.accept(o),
      (err: unknown) => this.set({ ...this.snapshot, error: toDeskError(err) }),
    );
  }

  private accept(overview: Overview): void {
    const current = this.snapshot.overview;
    if (current?.polledAt && overview.polledAt && Date.parse(overview.polledAt) < Date.parse(current.polledAt)) return;
    this.set({ overview, receivedAt: Date.now(), error: null });
  }

  private set(next: OverviewSnapshot): void {
    this.snapshot = next;
    this.listeners.forEach((l) => l());
  }
}

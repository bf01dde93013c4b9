import type { MongoClient } from 'mongodb';
import { ChainState } from './chain-state';
import { installDataFence } from './data-fence';
import { leaseLost, PipelineLease, type HeldLease, type LeaseHolder } from './lease';

/**
 * The lease for the length of one cycle: taken (and the chain fenced with its term) before the work starts,
 * renewed every third of its time to live, given up at the end. `signal` fires when a renewal is refused
 * or when the lease runs out by this process's own monotonic clock without a renewal (a process that was
 * frozen), so the work stops at its next safe point before it sends anything more.
 */
export class LeaseSession {
  private readonly ctrl = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    /** The target replica set's connection the lease lives on (chain writes use it too). */
    readonly client: MongoClient,
    private readonly lease: PipelineLease,
    public held: HeldLease,
    private readonly ttlMs: number,
    readonly holderName: string,
  ) {}

  /** The chain document of this pipeline on the target, written under this session's term. */
  chain(): ChainState {
    return new ChainState(this.client, this.lease.pipeline);
  }

  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  static async open(client: MongoClient, pipeline: string, holder: LeaseHolder, ttlMs: number): Promise<LeaseSession> {
    const lease = new PipelineLease(client, pipeline, ttlMs);
    const sentAt = performance.now();
    const held = await lease.acquire(holder);
    const s = new LeaseSession(client, lease, held, ttlMs, holder.identity);
    s.armExpiry(sentAt);
    await new ChainState(client, pipeline).fence(held, holder.identity);
    // Before anything of this term is applied, the older terms' batches are made to stop at their first entry.
    await installDataFence(client, pipeline, held.term);
    s.timer = setInterval(() => void s.beat(), Math.max(200, Math.floor(ttlMs / 3)));
    return s;
  }

  /** The lease counts from when its renewal was sent, never from when the answer arrived. */
  private armExpiry(sentAt: number): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.lose('its heartbeat could not be renewed within its time to live'), Math.max(0, sentAt + this.ttlMs - performance.now()));
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    const sentAt = performance.now();
    try {
      this.held = await this.lease.renew(this.held);
      this.armExpiry(sentAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'LEASE_LOST') this.ctrl.abort(err);
      // Any other failure (DR briefly unreachable) waits for the next beat; the expiry timer decides.
    }
  }

  /**
   * Renews now and says whether the lease is still ours: a standing lease is confirmed before each cycle it
   * carries (a take-over may have happened since its last heartbeat).
   */
  async confirm(): Promise<'held' | 'lost' | 'unreachable'> {
    if (this.closed || this.ctrl.signal.aborted) return 'lost';
    const sentAt = performance.now();
    try {
      this.held = await this.lease.renew(this.held);
      this.armExpiry(sentAt);
      return 'held';
    } catch (err) {
      if ((err as { code?: string }).code !== 'LEASE_LOST') return 'unreachable';
      this.ctrl.abort(err);
      return 'lost';
    }
  }

  private lose(why: string): void {
    if (!this.ctrl.signal.aborted) this.ctrl.abort(leaseLost(this.lease.pipeline, why));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.expiry) clearTimeout(this.expiry);
    if (!this.ctrl.signal.aborted) await this.lease.release(this.held).catch(() => undefined);
  }
}

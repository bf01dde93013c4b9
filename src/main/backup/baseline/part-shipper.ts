import { join } from 'node:path';
import type { Landing } from '../landing';
import type { CopiedPart } from './part-store';

/**
 * Ships a baseline's parts while the copy goes on: each part goes to the landing as soon as its file is
 * whole, one at a time, so the link works while DC is read and an interrupted baseline finds its finished
 * parts already landed. A failure here only stops the early shipping (it is logged once): the slice's own
 * shipment afterwards checks every part at the landing and sends what is missing, with its own retries.
 */
export class PartShipper {
  private queue: Promise<void> = Promise.resolve();
  private failed = false;
  shipped = 0;
  sent = 0;

  constructor(
    private readonly d: {
      landing: Landing;
      outbox: string;
      chainId: string;
      signal?: AbortSignal;
      onSent(bytes: number): void;
      /** The part is intact at the landing (sent and checked, or found there already). */
      onLanded(p: CopiedPart): void;
      onFailure(err: unknown): void;
    },
  ) {}

  add(p: CopiedPart): void {
    this.queue = this.queue.then(async () => {
      if (this.failed || this.d.signal?.aborted) return;
      try {
        const r = await this.d.landing.shipFile({ name: p.archive, localPath: join(this.d.outbox, p.archive), sha256: p.sha256, of: { chainId: this.d.chainId, seq: 0 } }, () => undefined, this.d.signal);
        this.shipped++;
        this.sent += r.sent;
        this.d.onSent(r.sent);
        this.d.onLanded(p);
      } catch (err) {
        this.failed = true;
        if (!this.d.signal?.aborted) this.d.onFailure(err);
      }
    });
  }

  /** Waits for the parts handed over so far. */
  async drain(): Promise<void> {
    await this.queue;
  }
}

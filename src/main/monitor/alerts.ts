import type { AlertRecord, Overview } from '../../shared/monitor';
import type { Level } from '../../shared/status';
import { sleep } from '../connectors/deadline';
import type { AlertLog } from './alert-log';

export interface AlertOptions {
  topologyName: string;
  /** Push an alert to the UI for a desktop notification. */
  desktop: boolean;
  webhookUrl?: string;
  /** Retries after the first attempt. */
  webhookRetries: number;
  /** Deadline of each webhook attempt. */
  timeoutMs: number;
  /** First retry delay; it doubles after each failed attempt. */
  backoffMs?: number;
}

/**
 * Raises an alert when a site's status turns red and when it leaves red: recorded in the alert log, pushed
 * to the UI (the host shows a desktop notification), and POSTed to the webhook with retries and backoff.
 */
export class AlertManager {
  private readonly levels = new Map<string, Level>();
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly splitBrain = new Set<string>();

  constructor(
    private readonly opts: AlertOptions,
    private readonly log: AlertLog | null,
    private readonly emit: (a: AlertRecord) => void,
  ) {}

  /** Compares each site's level with the last one seen; returns the alerts raised. */
  onOverview(o: Overview): AlertRecord[] {
    if (!o.polledAt) return [];
    const raised: AlertRecord[] = [];
    for (const site of o.sites) {
      const from = this.levels.get(site.name) ?? 'unknown';
      const to = site.status.level;
      this.levels.set(site.name, to);
      // Split brain is alerted the moment it appears, even on a site already red (DC unreachable, then back
      // with a primary of its own): it is the one state where every minute costs data.
      const split = site.status.reasons.some((r) => r.code === 'SPLIT_BRAIN');
      const newSplit = split && !this.splitBrain.has(site.name);
      if (split) this.splitBrain.add(site.name);
      else this.splitBrain.delete(site.name);
      if ((to === 'red') === (from === 'red') && !newSplit) continue;
      raised.push(this.raise(site.name, from, to, site.status.reasons, o.polledAt));
    }
    return raised;
  }

  private raise(subject: string, from: Level, to: Level, reasons: AlertRecord['reasons'], at: string): AlertRecord {
    const channels: AlertRecord['channels'] = this.opts.desktop ? [{ channel: 'notification', ok: true, attempts: 1 }] : [];
    const draft = { at, subject, from, to, reasons, channels };
    const record = this.log ? this.log.add(draft) : { ...draft, id: 0 };
    this.emit(record);
    if (this.opts.webhookUrl) {
      const p = this.deliver(record, this.opts.webhookUrl).then((result) => {
        const all = [...channels, result];
        record.channels = all;
        this.log?.updateChannels(record.id, all);
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
    return record;
  }

  private async deliver(a: AlertRecord, url: string): Promise<AlertRecord['channels'][number]> {
    const body = JSON.stringify({
      source: 'dr-desk',
      topology: this.opts.topologyName,
      text: `DR Desk: ${a.subject} is ${a.to.toUpperCase()} (was ${a.from})${a.reasons.length ? ` — ${a.reasons.map((r) => r.message).join(' ')}` : ''}`,
      alert: { id: a.id, at: a.at, subject: a.subject, from: a.from, to: a.to, reasons: a.reasons },
    });
    const attempts = 1 + this.opts.webhookRetries;
    let delay = this.opts.backoffMs ?? 1000;
    let error = '';
    for (let i = 1; i <= attempts; i++) {
      if (this.abort.signal.aborted) return { channel: 'webhook', ok: false, attempts: i - 1, error: 'DR Desk stopped before the webhook was delivered' };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'dr-desk-alerts' },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.abort.signal]),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return { channel: 'webhook', ok: true, attempts: i };
        error = `HTTP ${res.status} from the webhook`;
      } catch (err) {
        error = `webhook not reachable: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`;
      }
      if (i < attempts) {
        // Stopping ends the wait, not the attempt: the next fetch then fails at once on the aborted signal.
        await sleep(delay, this.abort.signal).catch(() => undefined);
        delay *= 2;
      }
    }
    return { channel: 'webhook', ok: false, attempts, error: `${error} after ${attempts} attempts: check the alerts.webhookUrl in the topology` };
  }

  /** Waits for webhook deliveries in flight. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }
}

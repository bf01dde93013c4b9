import type { DeskApi } from '../../shared/desk-api';
import type { AlertRecord } from '../../shared/monitor';
import type { HostKind } from '../desk-client/choose-desk';

const KEEP = 100;

/**
 * Recent alerts, newest first. In the web host each pushed alert also raises a browser Notification when the
 * person allowed it; in Electron the main process raises a native one, so the renderer does not.
 */
export class AlertStore {
  private alerts: AlertRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: DeskApi,
    private readonly host: HostKind,
  ) {}

  start(): () => void {
    const off = this.api.subscribe('alert', (a) => {
      this.merge([a]);
      if (this.host === 'web' && a.channels.some((c) => c.channel === 'notification')) notify(a);
    });
    this.api.getAlerts({ limit: KEEP }).then(
      (list) => this.merge(list),
      () => undefined,
    );
    return off;
  }

  readonly getSnapshot = (): AlertRecord[] => this.alerts;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private merge(incoming: AlertRecord[]): void {
    const byId = new Map(this.alerts.map((a) => [a.id, a]));
    incoming.forEach((a) => byId.set(a.id, a));
    this.alerts = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, KEEP);
    this.listeners.forEach((l) => l());
  }
}

export function alertTitle(a: AlertRecord): string {
  return a.to === 'green' ? `${a.subject} recovered (${a.from} → green)` : `${a.subject} is ${a.to.toUpperCase()}`;
}

function notify(a: AlertRecord): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const body = a.reasons.length ? a.reasons.map((r) => r.message).join('\n') : 'All checks pass again.';
  new Notification(`DR Desk: ${alertTitle(a)}`, { body, tag: `drdesk-alert-${a.id}` });
}

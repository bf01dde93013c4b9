import type { DeskApi } from '../../shared/desk-api';
import type { AlertRecord } from '../../shared/monitor';
import type { HostKind } from '../desk-client/choose-desk';

const KEEP = 100;

/**
 * Recent alerts, newest first. In the web host each pushed alert — and each engine notification (an execution
 * completed or failed) — also raises a browser Notification when the person allowed it; in Electron the main
 * process raises a native one, so the renderer does not.
 */
export class AlertStore {
  private alerts: AlertRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: DeskApi,
    private readonly host: HostKind,
  ) {}

  start(): () => void {
    const offAlerts = this.api.subscribe('alert', (a) => {
      this.merge([a]);
      if (this.host === 'web' && a.channels.some((c) => c.channel === 'notification')) notify(a);
    });
    const offNotes = this.api.subscribe('notification', (n) => this.host === 'web' && n.desktop && browserNotification(`DR Desk: ${n.title}`, n.body, `drdesk-note-${n.id}`));
    const off = () => {
      offAlerts();
      offNotes();
    };
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
  browserNotification(`DR Desk: ${alertTitle(a)}`, a.reasons.length ? a.reasons.map((r) => r.message).join('\n') : 'All checks pass again.', `drdesk-alert-${a.id}`);
}

function browserNotification(title: string, body: string, tag: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(title, { body, tag });
}

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
  /** Alerts for which this page really raised a browser Notification (allowed, and open when it came). */
  private readonly shownHere = new Set<number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: DeskApi,
    private readonly host: HostKind,
  ) {}

  start(): () => void {
    const offAlerts = this.api.subscribe('alert', (a) => {
      this.merge([a]);
      if (this.host === 'web' && a.channels.some((c) => c.channel === 'notification') && notify(a)) this.shownHere.add(a.id);
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

  wasShownHere(id: number): boolean {
    return this.shownHere.has(id);
  }

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

function notify(a: AlertRecord): boolean {
  return browserNotification(`DR Desk: ${alertTitle(a)}`, a.reasons.length ? a.reasons.map((r) => r.message).join('\n') : 'All checks pass again.', `drdesk-alert-${a.id}`);
}

/** Raises a browser Notification when the person allowed them; says whether one was raised. */
function browserNotification(title: string, body: string, tag: string): boolean {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  new Notification(title, { body, tag });
  return true;
}

export type NotificationPermissionState = NotificationPermission | 'unsupported';

/**
 * One delivery channel of an alert as the person reads it. The engine records "notification" when it
 * handed the alert to the hosts; whether one was shown depends on the host: Electron raises it itself, a
 * browser page only when notifications are allowed and the page was open when the alert came.
 */
export function channelText(c: AlertRecord['channels'][number], host: HostKind, permission: NotificationPermissionState, shownHere: boolean): string {
  if (c.channel === 'notification') {
    if (host === 'electron') return 'desktop notification: raised';
    if (shownHere) return 'browser notification: shown';
    if (permission !== 'granted') return `browser notification: not shown (${permission === 'unsupported' ? 'this browser has none' : 'not allowed on this page'})`;
    return 'browser notification: not shown (this page was not open when it came)';
  }
  return `${c.channel}: ${c.ok ? 'sent' : `failed after ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}${c.error ? ` (${c.error})` : ''}`}`;
}

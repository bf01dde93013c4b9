import { Notification } from 'electron';
import type { Desk } from '../desk';

/**
 * Desktop notifications for alerts (a site turning red, or recovering) and for the engine's notifications
 * (an execution completed or failed), raised natively by the main process; the renderer only lists them.
 * Clicking one brings the window forward.
 */
export function raiseAlertNotifications(desk: Desk, focus: () => void): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const show = (title: string, body: string, critical: boolean) => {
    const n = new Notification({ title, body, urgency: critical ? 'critical' : 'normal' });
    n.on('click', focus);
    n.show();
  };
  const offAlerts = desk.events.on('alert', (a) => {
    if (!a.channels.some((c) => c.channel === 'notification')) return;
    const title = a.to === 'green' ? `DR Desk: ${a.subject} recovered` : `DR Desk: ${a.subject} is ${a.to.toUpperCase()}`;
    show(title, a.reasons.length ? a.reasons.map((r) => r.message).join('\n') : `${a.subject} is back to green.`, a.to === 'red');
  });
  const offNotes = desk.events.on('notification', (n) => n.desktop && show(`DR Desk: ${n.title}`, n.body, n.level === 'error'));
  return () => {
    offAlerts();
    offNotes();
  };
}

import { Notification } from 'electron';
import type { Desk } from '../desk';

/**
 * Desktop notifications for alerts (a site turning red, or recovering), raised natively by the main process;
 * the renderer only lists them. Clicking one brings the window forward.
 */
export function raiseAlertNotifications(desk: Desk, focus: () => void): () => void {
  if (!Notification.isSupported()) return () => undefined;
  return desk.events.on('alert', (a) => {
    if (!a.channels.some((c) => c.channel === 'notification')) return;
    const title = a.to === 'green' ? `DR Desk: ${a.subject} recovered` : `DR Desk: ${a.subject} is ${a.to.toUpperCase()}`;
    const body = a.reasons.length ? a.reasons.map((r) => r.message).join('\n') : `${a.subject} is back to green.`;
    const n = new Notification({ title, body, urgency: a.to === 'red' ? 'critical' : 'normal' });
    n.on('click', focus);
    n.show();
  });
}

import { describe, expect, it } from 'vitest';
import { channelText } from '../../../src/renderer/app/alert-store';

/** "notification: sent" only when a notification was really raised where the person reads the list. */
describe('alert channels as read on the Alerts page', () => {
  const note = { channel: 'notification', ok: true, attempts: 1 } as const;

  it('a browser page says shown only for the alerts it raised one for', () => {
    expect(channelText(note, 'web', 'granted', true)).toBe('browser notification: shown');
    expect(channelText(note, 'web', 'granted', false)).toBe('browser notification: not shown (this page was not open when it came)');
  });

  it('never "sent" when notifications were never allowed, or the browser has none', () => {
    for (const p of ['default', 'denied'] as const) {
      expect(channelText(note, 'web', p, false)).toBe('browser notification: not shown (not allowed on this page)');
      expect(channelText(note, 'web', p, false)).not.toMatch(/sent|shown$/);
    }
    expect(channelText(note, 'web', 'unsupported', false)).toBe('browser notification: not shown (this browser has none)');
  });

  it('the desktop app raises its own; webhooks say sent or how they failed', () => {
    expect(channelText(note, 'electron', 'unsupported', false)).toBe('desktop notification: raised');
    expect(channelText({ channel: 'webhook', ok: true, attempts: 2 }, 'web', 'default', false)).toBe('webhook: sent');
    expect(channelText({ channel: 'webhook', ok: false, attempts: 3, error: 'HTTP 500' }, 'web', 'default', false)).toBe('webhook: failed after 3 attempts (HTTP 500)');
  });
});

import { useState } from 'react';
import { useAlerts, useAlertStore, useHostKind, useNow } from '../../app/desk-context';
import { alertTitle, channelText, type NotificationPermissionState } from '../../app/alert-store';
import type { PageDefinition } from '../../app/pages';
import { formatAgo, localizeTimes, utcTimes } from '../../format/time';
import { Clock } from '../../format/Clock';

function NotificationSwitch({ permission, setPermission }: { permission: NotificationPermissionState; setPermission: (p: NotificationPermissionState) => void }) {
  const host = useHostKind();
  if (host === 'electron') return <p className="muted">Desktop notifications are raised by the app itself.</p>;
  if (permission === 'unsupported') return <p className="muted">This browser has no notifications; alerts are listed here.</p>;
  if (permission === 'granted') return <p className="muted">Browser notifications are on for this page.</p>;
  if (permission === 'denied') return <p className="muted">Browser notifications are blocked for this page; allow them in the site settings.</p>;
  return (
    <button type="button" className="primary" onClick={() => Notification.requestPermission().then(setPermission)}>
      Turn on browser notifications
    </button>
  );
}

function AlertsPage() {
  const alerts = useAlerts();
  const store = useAlertStore();
  const host = useHostKind();
  const now = useNow(10_000);
  const [permission, setPermission] = useState<NotificationPermissionState>(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  return (
    <div className="alerts">
      <header className="page-header">
        <h1>Alerts</h1>
        <NotificationSwitch permission={permission} setPermission={setPermission} />
      </header>
      <section className="card">
        {alerts.length === 0 ? (
          <div className="empty">No alerts yet. A change to or from red raises one.</div>
        ) : (
          <ul className="alert-list" data-testid="alert-list">
            {alerts.map((a) => (
              <li key={a.id} className={`alert level-${a.to}`}>
                <div className="alert-head">
                  <span className={`pill level-${a.to}`}>{a.to}</span>
                  <strong>{alertTitle(a)}</strong>
                  <span className="muted">
                    <Clock iso={a.at} now={now} /> · {formatAgo(a.at, now)}
                  </span>
                </div>
                {a.reasons.length > 0 && (
                  <ul className="reasons compact">
                    {a.reasons.map((r, i) => (
                      <li key={i} className={`reason level-${r.level}`}>
                        <code>{r.code}</code> <span title={utcTimes(r.message)}>{localizeTimes(r.message, now)}</span> <span className="muted">({r.subject})</span>
                      </li>
                    ))}
                  </ul>
                )}
                <div className="muted small">
                  {a.channels.map((c) => channelText(c, host, permission, store.wasShownHere(a.id))).join(' · ') || 'no channel configured'}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export const page: PageDefinition = { id: 'alerts', title: 'Alerts', group: 'Monitor', order: 3, Component: AlertsPage };

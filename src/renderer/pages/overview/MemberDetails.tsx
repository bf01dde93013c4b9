import { useEffect } from 'react';
import type { MemberView } from '../../../shared/monitor';
import { LEVEL_LABEL, lastKnownState, memberLevel } from '../../format/member-state';
import { formatAgo, formatClock, formatHours, formatLag, formatUtc } from '../../format/time';

interface Props {
  member: MemberView;
  siteName: string;
  replicaSet: string;
  now: number;
  /** The site is unreachable: every value is the last one known. */
  lastKnown: boolean;
  /** The other members of its replica set, to name the sync source. */
  peers: MemberView[];
  onClose: () => void;
}

function nameOf(host: string | null, peers: MemberView[]): string {
  if (!host) return '—';
  const peer = peers.find((p) => p.host === host);
  return peer ? `${peer.name} (${host})` : host;
}

export function MemberDetails({ member: m, siteName, replicaSet, now, lastKnown, peers, onClose }: Props) {
  // Escape closes the panel, as it closes any dialog-like surface.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const level = lastKnown ? 'unknown' : memberLevel(m);
  // A third element is the UTC time of the row, for its hover title.
  const rows: Array<[string, string, (string | null)?]> = [
    ['State', lastKnown ? `${lastKnownState(m)} (last known)` : `${m.stateStr}${m.state === null ? '' : ` (${m.state})`}`],
    ['Last known state', m.lastKnownStateStr ?? '—'],
    ['Health', m.health === null ? '—' : m.health === 1 ? 'up (1)' : `down (${m.health})`],
    ['Expected role', m.expectedRole],
    ['Host', m.host],
    ['Optime', formatClock(m.optimeDate, now), m.optimeDate],
    ['Lag', formatLag(m.lagSeconds)],
    ['Oplog window', formatHours(m.oplogWindowHours)],
    ['Version', m.version ?? '—'],
    ['Ping', m.pingMs === null ? '—' : `${m.pingMs} ms`],
    ['Sync source', nameOf(m.syncSource, peers)],
    ['Election date', formatClock(m.electionDate, now), m.electionDate],
    ['Last seen', m.lastSeen ? `${formatClock(m.lastSeen, now)} (${formatAgo(m.lastSeen, now)})` : 'never', m.lastSeen],
    ['Unreachable since', formatClock(m.unreachableSince, now), m.unreachableSince],
    ['Last error', m.lastError ?? '—'],
  ];
  return (
    <section className="card details" aria-label={`Details of ${m.name}`} data-testid="member-details">
      <header className="card-header">
        <div>
          <h2>{m.name}</h2>
          <div className="muted">
            {siteName} / {replicaSet}
          </div>
        </div>
        <span className={`pill level-${level}`}>{lastKnown ? 'Unreachable' : LEVEL_LABEL[level]}</span>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <dl className="fields">
        {rows.map(([k, v, at]) => (
          <div key={k} className="field">
            <dt>{k}</dt>
            <dd data-field={k} title={formatUtc(at)}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
      {m.status.reasons.length > 0 && (
        <ul className="reasons compact">
          {m.status.reasons.map((r, i) => (
            <li key={i} className={`reason level-${r.level}`}>
              <code>{r.code}</code> {r.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

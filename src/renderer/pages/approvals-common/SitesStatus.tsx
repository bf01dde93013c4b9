import type { Overview, SiteView } from '../../../shared/monitor';
import { LEVEL_LABEL, memberLevel } from '../../format/member-state';
import { formatAgo, formatDuration, formatLag, localizeTimes } from '../../format/time';
import { Clock } from '../../format/Clock';

/**
 * The data an activation at that moment would lose, in words: "DR holds DC's writes up to 14:02:11 (87 s
 * behind, target 90 s)" — from the overview's backup readiness as it was when the overview was polled.
 */
export function DataLossPoint({ overview, now, testId }: { overview: Overview; now: number; testId: string }) {
  const b = overview.backup;
  if (!b) return null;
  const over = b.behindSeconds !== null && b.behindSeconds > b.targetSeconds;
  const level = !b.coveredUntil || over ? 'red' : 'green';
  return (
    <div className={`data-loss level-${level}`} data-testid={testId} data-covered-until={b.coveredUntil ?? ''}>
      <span className="dot" aria-hidden="true" />{' '}
      {b.coveredUntil ? (
        <>
          <strong>
            {b.to} holds {b.from}'s writes up to <span title={b.coveredUntil}><Clock iso={b.coveredUntil} now={now} /></span>
          </strong>
          {b.behindSeconds !== null && ` (${formatDuration(b.behindSeconds * 1000)} behind, target ${formatDuration(b.targetSeconds * 1000)})`}: writes {b.from} took after that are lost if {b.to} takes over.
        </>
      ) : (
        <strong>
          {b.to} holds no copy of {b.from}'s writes: an activation now would start {b.to} without {b.from}'s data.
        </strong>
      )}{' '}
      <span className="muted small">As of <Clock iso={overview.polledAt} now={now} />.</span>
    </div>
  );
}

/** An overview that travelled inside a request (plain JSON): shown only when it has the overview's shape. */
export function asOverview(value: unknown): Overview | null {
  if (!value || typeof value !== 'object') return null;
  const o = value as Partial<Overview>;
  return Array.isArray(o.sites) && o.status !== undefined ? (o as Overview) : null;
}

function SiteCard({ site, overview, now }: { site: SiteView; overview: Overview; now: number }) {
  const level = site.reachable ? site.status.level : 'unknown';
  const reasons = overview.status.reasons.filter((r) => r.subject === site.name || r.subject.startsWith(`${site.name}/`));
  return (
    <div className={`site-status level-${level}`} data-testid={`site-status-${site.name}`} data-reachable={site.reachable}>
      <div className="site-status-head">
        <strong>{site.name}</strong>
        <span className="muted small">
          {site.role === 'dc' ? 'primary data centre' : 'DR site'}
          {site.active !== undefined && (site.active ? ' · active' : ' · standby')}
        </span>
        <span className="pill">{site.reachable ? LEVEL_LABEL[level] : 'Unreachable'}</span>
      </div>
      {!site.reachable && (
        <div className="small">
          Unreachable since <Clock iso={site.unreachableSince} now={now} />; last seen {formatAgo(site.lastSeen, now)}. Below: the last known state.
        </div>
      )}
      {site.replicaSets.map((rs) => (
        <div key={rs.name} className="rs-line small">
          <span className="muted">{rs.name}</span> primary <strong>{rs.primary ?? 'none'}</strong>
          <ul className="member-states">
            {rs.members.map((m) => (
              <li key={m.name} className={`level-${memberLevel(m)}`} data-testid={`status-member-${m.name}`}>
                <span className="dot" aria-hidden="true" />
                {m.name} {m.reachable ? m.stateStr : `unreachable (${m.lastKnownStateStr ?? m.stateStr})`}
                {m.lagSeconds !== null && m.stateStr === 'SECONDARY' && <span className="muted"> lag {formatLag(m.lagSeconds)}</span>}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {site.app.length > 0 && (
        <div className="small">
          <span className="muted">Application</span> {site.app.filter((a) => a.ok).length} of {site.app.length} health checks answer
        </div>
      )}
      {reasons.length > 0 && (
        <ul className="reasons compact">
          {reasons.map((r, i) => (
            <li key={`${r.code}-${i}`} className={`reason level-${r.level}`}>
              <code>{r.code}</code> <span title={r.message}>{localizeTimes(r.message, now)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Both sites side by side, as one machine sees (or saw) them. */
export function SitesStatus({ overview, now, caption, testId }: { overview: Overview; now: number; caption: string; testId: string }) {
  return (
    <div className="sites-status" data-testid={testId}>
      <div className="muted small">
        {caption} · polled <Clock iso={overview.polledAt} now={now} /> ({formatAgo(overview.polledAt, now)}){overview.stale ? ' · some data is stale' : ''}
      </div>
      <DataLossPoint overview={overview} now={now} testId={`${testId}-data-loss`} />
      <div className="sites-grid">
        {overview.sites.map((s) => (
          <SiteCard key={s.name} site={s} overview={overview} now={now} />
        ))}
      </div>
    </div>
  );
}

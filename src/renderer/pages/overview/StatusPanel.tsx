import type { Overview } from '../../../shared/monitor';
import { LEVEL_RANK } from '../../../shared/status';
import { LEVEL_LABEL } from '../../format/member-state';
import { formatAgo, formatClock, formatDuration, formatUtc, localizeTimes, utcTimes } from '../../format/time';
import { Clock } from '../../format/Clock';

/** "DR holds DC's writes up to 14:02:11 (87 s behind)": the data an activation now would keep. */
export function holdsText(overview: Overview, now: number): string | null {
  const b = overview.backup;
  if (!b) return null;
  if (!b.coveredUntil) return `${b.to} holds no copy of ${b.from}'s writes yet`;
  return `${b.to} holds ${b.from}'s writes up to ${formatClock(b.coveredUntil, now)}${b.behindSeconds !== null ? ` (${formatDuration(b.behindSeconds * 1000)} behind)` : ''}`;
}

/** The overall verdict and every reason behind it, worst first. */
export function StatusPanel({ overview, now }: { overview: Overview; now: number }) {
  const { level, reasons } = overview.status;
  // Split brain first: it is the one reason where waiting makes things worse.
  const first = (c: string): number => (c === 'SPLIT_BRAIN' ? 0 : 1);
  const sorted = [...reasons].sort((a, b) => first(a.code) - first(b.code) || LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.subject.localeCompare(b.subject));
  const holds = holdsText(overview, now);
  return (
    <section className={`card status-panel level-${level}`} aria-label="Status" data-testid="status-panel" data-level={level}>
      <header className="status-head">
        <span className="status-light" aria-hidden="true" />
        <div>
          <div className="status-word">{LEVEL_LABEL[level]}</div>
          <div className="muted">
            {reasons.length === 0 ? 'Every check passes.' : `${reasons.length} reason${reasons.length === 1 ? '' : 's'}`} · polled{' '}
            {formatAgo(overview.polledAt, now)}
          </div>
        </div>
      </header>
      <ul className="site-summary">
        {overview.sites.map((s) => (
          <li key={s.name} className={`level-${s.reachable ? s.status.level : 'unknown'}`}>
            <span className="dot" aria-hidden="true" />
            <strong>{s.name}</strong> {s.active === undefined ? '' : <span className="muted">{s.active ? 'active' : 'standby'}</span>} {s.reachable ? LEVEL_LABEL[s.status.level] : 'Unreachable'}
          </li>
        ))}
        {holds && (
          <li className={`backup-holds level-${overview.backup!.level}`} data-testid="backup-holds" title={formatUtc(overview.backup!.coveredUntil)}>
            <span className="dot" aria-hidden="true" />
            <strong>Backup</strong> {holds}
          </li>
        )}
      </ul>
      {overview.activation && (
        <p className="small" data-testid="activation-note">
          {overview.activation.site} was activated at <Clock iso={overview.activation.at} now={now} /> and takes the writes; {overview.activation.from} must not.
        </p>
      )}
      {(overview.standingFences ?? []).map((f) => (
        <p key={f.site} className={`small fence-note level-${f.state === 'failed' ? 'red' : f.state === 'applied' ? 'green' : 'yellow'}`} data-testid={`standing-fence-${f.site}`} data-state={f.state}>
          <strong>{f.state === 'waiting' ? `Standing fence on ${f.site}` : f.state === 'applied' ? `${f.site} fenced` : `Fence of ${f.site} failed`}</strong>
          {f.appliedAt && (
            <>
              {' '}
              at <Clock iso={f.appliedAt} now={now} />
            </>
          )}
          : {f.message}
        </p>
      ))}
      {sorted.length > 0 && (
        <ul className="reasons" data-testid="status-reasons">
          {sorted.map((r, i) => (
            <li key={`${r.code}-${r.subject}-${i}`} className={`reason level-${r.level}`} data-code={r.code}>
              <div className="reason-head">
                <code>{r.code}</code>
                <span className="reason-subject">{r.subject}</span>
              </div>
              <div className="reason-message" title={utcTimes(r.message)}>
                {localizeTimes(r.message, now)}
              </div>
              {r.code === 'SPLIT_BRAIN' && overview.activation && (
                <div className="reason-action">
                  <a className="button danger" href="#/runbooks/failback" data-testid="split-brain-action">
                    Fence {r.subject}: open the failback runbook (needs approval)
                  </a>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

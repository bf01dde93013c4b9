import type { Overview } from '../../../shared/monitor';
import { LEVEL_RANK } from '../../../shared/status';
import { LEVEL_LABEL } from '../../format/member-state';
import { formatAgo } from '../../format/time';

/** The overall verdict and every reason behind it, worst first. */
export function StatusPanel({ overview, now }: { overview: Overview; now: number }) {
  const { level, reasons } = overview.status;
  const sorted = [...reasons].sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.subject.localeCompare(b.subject));
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
            <strong>{s.name}</strong> {s.reachable ? LEVEL_LABEL[s.status.level] : 'Unreachable'}
          </li>
        ))}
      </ul>
      {sorted.length > 0 && (
        <ul className="reasons" data-testid="status-reasons">
          {sorted.map((r, i) => (
            <li key={`${r.code}-${r.subject}-${i}`} className={`reason level-${r.level}`} data-code={r.code}>
              <div className="reason-head">
                <code>{r.code}</code>
                <span className="reason-subject">{r.subject}</span>
              </div>
              <div className="reason-message">{r.message}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import type { BackupStatus } from '../../../shared/api/backup';
import { LEVEL_RANK } from '../../../shared/status';
import { LEVEL_LABEL } from '../../format/member-state';
import { formatClock, formatLag } from '../../format/time';
import { isLocalLanding, landingLabel, liveRpoText } from './backup-format';
import { Clock } from '../../format/Clock';
import { Fact } from '../../components/Fact';

/** The backup's verdict with its reasons, the RPO now, and where slices land (with the pinned host key). */
export function StatusCard({ status, now }: { status: BackupStatus; now: number }) {
  const reasons = [...status.reasons].sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
  const l = status.landing;
  return (
    <section className={`card status-panel level-${status.level}`} aria-label="Backup status" data-testid="backup-status" data-level={status.level}>
      <header className="status-head">
        <span className="status-light" aria-hidden="true" />
        <div>
          <div className="status-word">{LEVEL_LABEL[status.level]}</div>
          <div className="muted small">
            RPO {formatLag(status.rpo.seconds)} / target {formatLag(status.rpo.targetSeconds)}
            {status.rpo.coveredUntil && ` · DR holds every DC write up to ${formatClock(status.rpo.coveredUntil, now)}`}
          </div>
          {status.live && (
            <div className={`small live-rpo level-${status.live.level}`} data-testid="live-rpo" data-basis={status.live.basis}>
              {liveRpoText(status.live)}
            </div>
          )}
        </div>
      </header>
      {reasons.length > 0 ? (
        <ul className="reasons" data-testid="backup-reasons">
          {reasons.map((r, i) => (
            <li key={`${r.code}-${i}`} className={`reason level-${r.level}`} data-code={r.code}>
              <div className="reason-head">
                <code>{r.code}</code>
                <span className="reason-subject">{r.subject}</span>
              </div>
              <div className="reason-message">{r.message}</div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">Every check passes.</p>
      )}
      {l && (
        <dl className="fields landing-fields">
          <Fact label="Route">
            {status.from} → {status.to} {isLocalLanding(l) ? 'on this machine (sandbox)' : 'over SSH'}
          </Fact>
          <Fact label="Landing" className="mono" testId="landing">
            {landingLabel(l)}
          </Fact>
          {!isLocalLanding(l) && (
            <Fact label="Host key">
              {l.fingerprint ? (
                <>
                  <code>{l.fingerprint}</code> <span className="muted small">pinned <Clock iso={l.pinnedAt} now={now} /></span>
                </>
              ) : (
                <span className="muted">not pinned yet: pinned on first connection</span>
              )}
            </Fact>
          )}
        </dl>
      )}
    </section>
  );
}

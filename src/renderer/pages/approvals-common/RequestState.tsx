import type { RequestDetail, RequestState, VerificationResult } from '../../../shared/api/approvals';
import { ACTION_LABEL, STATE_LABEL, STATE_LEVEL } from './labels';

export function StatePill({ state }: { state: RequestState }) {
  return (
    <span className={`pill level-${STATE_LEVEL[state]}`} data-testid="request-state" data-state={state}>
      {STATE_LABEL[state]}
    </span>
  );
}

/** A padlock drawn inline (no emoji font needed offline): shackle closed or swung open. */
function Padlock({ open }: { open: boolean }) {
  return (
    <svg className="padlock" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true">
      <path d={open ? 'M5 7V4.5a3 3 0 0 1 5.8-1.1' : 'M5 7V4.5a3 3 0 0 1 6 0V7'} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      <rect x="2.5" y="7" width="11" height="8" rx="1.6" fill="currentColor" />
    </svg>
  );
}

export function LockIcon({ unlocked }: { unlocked: boolean }) {
  return (
    <span className={unlocked ? 'lock unlocked' : 'lock locked'} title={unlocked ? 'Unlocked: may run' : 'Locked: may not run'}>
      <Padlock open={unlocked} /> {unlocked ? 'Unlocked' : 'Locked'}
    </span>
  );
}

/** The verdict in one line: unlocked (execution may start) or locked, with the engine's reason. */
export function LockBanner({ verification }: { verification: VerificationResult }) {
  const { unlocked, summary, state } = verification;
  const level = unlocked ? 'green' : state === 'pending' ? 'yellow' : state === 'expired' || state === 'executed' ? 'unknown' : 'red';
  return (
    <div className={`lock-banner level-${level}`} role="status" data-testid="lock-state" data-unlocked={unlocked}>
      <span className="lock-word">
        <Padlock open={unlocked} /> {unlocked ? 'Unlocked' : 'Locked'}
      </span>
      <span className="lock-summary">{summary.replace(/^(Locked|Unlocked):\s*/, '')}</span>
    </div>
  );
}

/** A request page's heading: the way back, what it asks for on which target, and its state. */
export function RequestTitle({ request: r, backHref, backLabel }: { request: RequestDetail; backHref: string; backLabel: string }) {
  return (
    <div className="request-title">
      <a href={backHref}>{backLabel}</a>
      <h2>
        {ACTION_LABEL[r.action]} · {r.target}
      </h2>
      <StatePill state={r.state} />
    </div>
  );
}

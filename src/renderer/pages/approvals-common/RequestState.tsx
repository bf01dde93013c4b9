import type { RequestState, VerificationResult } from '../../../shared/api/approvals';
import { STATE_LABEL, STATE_LEVEL } from './labels';

export function StatePill({ state }: { state: RequestState }) {
  return (
    <span className={`pill level-${STATE_LEVEL[state]}`} data-testid="request-state" data-state={state}>
      {STATE_LABEL[state]}
    </span>
  );
}

export function LockIcon({ unlocked }: { unlocked: boolean }) {
  return (
    <span className={unlocked ? 'lock unlocked' : 'lock locked'} title={unlocked ? 'Unlocked: may run' : 'Locked: may not run'}>
      {unlocked ? '🔓 Unlocked' : '🔒 Locked'}
    </span>
  );
}

/** The verdict in one line: unlocked (execution may start) or locked, with the engine's reason. */
export function LockBanner({ verification }: { verification: VerificationResult }) {
  const { unlocked, summary, state } = verification;
  const level = unlocked ? 'green' : state === 'pending' ? 'yellow' : state === 'expired' || state === 'executed' ? 'unknown' : 'red';
  return (
    <div className={`lock-banner level-${level}`} role="status" data-testid="lock-state" data-unlocked={unlocked}>
      <span className="lock-word">{unlocked ? '🔓 Unlocked' : '🔒 Locked'}</span>
      <span className="lock-summary">{summary}</span>
    </div>
  );
}

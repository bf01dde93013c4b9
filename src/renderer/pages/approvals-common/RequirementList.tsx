import type { RefusalView, VerificationResult } from '../../../shared/api/approvals';
import { Fingerprint } from './Fingerprint';
import { requirementTitle } from './labels';

/** Each requirement of the policy, met (by whom, with which key) or missing. */
export function RequirementList({ verification }: { verification: VerificationResult }) {
  return (
    <ul className="requirements" data-testid="requirements">
      {verification.requirements.map((r, i) => (
        <li key={`${r.label}-${i}`} className={r.met ? 'requirement met' : 'requirement missing'} data-testid={`requirement-${r.group ?? 'any'}`} data-met={r.met} title={r.message}>
          <span className="req-mark" aria-hidden="true">
            {r.met ? '✓' : '○'}
          </span>
          <span>
            <strong>{requirementTitle(r)}</strong>:{' '}
            {!r.met && <span className="missing-word">missing</span>}
            {!r.met && r.approvers.length > 0 && ` (${r.approvers.length} of ${r.needed} so far)`}
            {r.approvers.length > 0 && (
              <>
                {r.met ? 'met by ' : ': '}
                {r.approvers.map((a, j) => (
                  <span key={a.fingerprint}>
                    {j > 0 && ', '}
                    {a.name ?? 'unknown'} (<Fingerprint value={a.fingerprint} />)
                  </span>
                ))}
              </>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Every refusal, code and sentence as the engine gave them (request-level and per decision). */
export function RefusalList({ refusals }: { refusals: RefusalView[] }) {
  if (!refusals.length) return null;
  return (
    <ul className="refusal-list" data-testid="refusals">
      {refusals.map((r, i) => (
        <li key={`${r.code}-${i}`} data-code={r.code}>
          <code>{r.code}</code> {r.message}
        </li>
      ))}
    </ul>
  );
}

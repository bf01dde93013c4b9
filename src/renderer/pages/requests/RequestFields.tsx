import { APPROVAL_ACTIONS, type ActionPolicy, type ApprovalAction } from '../../../shared/api/approvals';
import type { RunbookId } from '../../../shared/api/runbook-plan';
import type { Overview } from '../../../shared/monitor';
import { formatDuration } from '../../format/time';
import { ACTION_LABEL } from '../approvals-common/labels';
import { RUNBOOK_IDS, type RequestInputs } from './request-inputs';

const RUNBOOK_LABEL: Record<RunbookId, string> = { switchover: 'Local switchover', 'dr-activation': 'DR activation', failback: 'Failback' };

/** The requester's part: action, target, reason and expiry, with the policy's limits in view. */
export function RequestFields({ value, onChange, policy, overview }: { value: RequestInputs; onChange: (v: Partial<RequestInputs>) => void; policy: ActionPolicy; overview: Overview | null }) {
  const reasonLen = value.reason.trim().length;
  return (
    <div className="request-fields">
      <label className="field-label">
        Action
        <select value={value.action} onChange={(e) => onChange({ action: e.target.value as ApprovalAction, targetEdited: false })} data-testid="request-action">
          {APPROVAL_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABEL[a]}
            </option>
          ))}
        </select>
      </label>
      {(value.action === 'drill' || value.action === 'break-glass') && (
        <label className="field-label">
          Runbook it runs
          <select value={value.runbook} onChange={(e) => onChange({ runbook: e.target.value as RunbookId, targetEdited: false })}>
            {RUNBOOK_IDS.map((r) => (
              <option key={r} value={r}>
                {RUNBOOK_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
      )}
      {value.action === 'switchover' && overview && (
        <label className="field-label">
          Site
          <select value={value.site ?? ''} onChange={(e) => onChange({ site: e.target.value || null, targetEdited: false })}>
            {overview.sites.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.role.toUpperCase()})
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field-label">
        Target
        <input value={value.target} onChange={(e) => onChange({ target: e.target.value, targetEdited: true })} maxLength={200} required data-testid="request-target" />
      </label>
      <label className="field-label">
        Reason <span className="muted small">(at least {policy.minReasonLength} characters; approvers read it)</span>
        <textarea value={value.reason} onChange={(e) => onChange({ reason: e.target.value })} rows={3} maxLength={4000} required data-testid="request-reason-input" />
        <span className={reasonLen < policy.minReasonLength ? 'small outcome error' : 'small muted'}>
          {reasonLen} / {policy.minReasonLength}
        </span>
      </label>
      <label className="field-label">
        Expires after (minutes) <span className="muted small">policy maximum {formatDuration(policy.maxExpiryMinutes * 60_000)}</span>
        <input
          type="number"
          min={1}
          max={policy.maxExpiryMinutes}
          step={1}
          value={value.minutes}
          onChange={(e) => onChange({ minutes: Math.round(Number(e.target.value)) })}
          required
          data-testid="request-expiry-minutes"
        />
        <span className="small muted">= {formatDuration(value.minutes * 60_000)}; decisions after that do not count, and the request stays on record.</span>
      </label>
    </div>
  );
}

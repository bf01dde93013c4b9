import { APPROVAL_ACTIONS, type ActionPolicy, type ApprovalAction } from '../../../shared/api/approvals';
import type { RunbookId } from '../../../shared/api/runbook-plan';
import type { Overview } from '../../../shared/monitor';
import { formatDuration } from '../../format/time';
import { ACTION_LABEL } from '../approvals-common/labels';
import { RUNBOOK_IDS, type RequestInputs } from './request-inputs';
import { Field, Select } from '../../components/form';
import { SiteSelect } from '../../components/SiteSelect';

const RUNBOOK_LABEL: Record<RunbookId, string> = { switchover: 'Local switchover', 'dr-activation': 'DR activation', failback: 'Failback' };

/** The requester's part: action, target, reason and expiry, with the policy's limits in view. */
export function RequestFields({ value, onChange, policy, overview }: { value: RequestInputs; onChange: (v: Partial<RequestInputs>) => void; policy: ActionPolicy; overview: Overview | null }) {
  const reasonLen = value.reason.trim().length;
  return (
    <div className="request-fields">
      <Field label="Action">
        <Select
          value={value.action}
          onChange={(e) => onChange({ action: e.target.value as ApprovalAction, targetEdited: false })}
          options={APPROVAL_ACTIONS.map((a) => ({ value: a, label: ACTION_LABEL[a] }))}
          data-testid="request-action"
        />
      </Field>
      {(value.action === 'drill' || value.action === 'break-glass') && (
        <Field label="Runbook it runs">
          <Select value={value.runbook} onChange={(e) => onChange({ runbook: e.target.value as RunbookId, targetEdited: false })} options={RUNBOOK_IDS.map((r) => ({ value: r, label: RUNBOOK_LABEL[r] }))} />
        </Field>
      )}
      {value.action === 'switchover' && overview && (
        <Field label="Site">
          <SiteSelect sites={overview.sites} value={value.site} onChange={(site) => onChange({ site, targetEdited: false })} />
        </Field>
      )}
      <Field label="Target">
        <input value={value.target} onChange={(e) => onChange({ target: e.target.value, targetEdited: true })} maxLength={200} required data-testid="request-target" />
      </Field>
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

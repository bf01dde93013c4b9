import { useState, type FormEvent } from 'react';
import type { Plan } from '../../../shared/api/runbook-plan';
import { useDeskApi, useOverview } from '../../app/desk-context';
import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { Refusal } from '../../app/Refusal';
import { navigate } from '../../app/hash-route';
import { useCall } from '../../app/use-action';

/** What a plan acts on, in words: "DC → DR" for a site move, "DC / rs-dc" for a switchover. */
function targetOf(plan: Plan): string {
  const { from, to } = plan.params;
  if (typeof from === 'string' && typeof to === 'string') return `${from} → ${to}`;
  const t = plan.steps[0]?.target;
  return t ? [t.site, t.replicaSet].filter(Boolean).join(' / ') : plan.title;
}

/**
 * Hands the previewed plan to a new approval request, signed with this workstation's key; the request page
 * then exports it to the approvers. What they sign is this plan, byte for byte.
 */
export function RequestApproval({ plan }: { plan: Plan }) {
  const api = useDeskApi();
  const { overview } = useOverview();
  const me = useDeskQuery(async (a) => ({ identity: await a.getIdentity(), roster: await a.getRoster() }), 'me', ['approvalsChanged'], { settleMs: 500 });
  const call = useCall();
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState<string | null>(null);
  const [minutes, setMinutes] = useState<number | null>(null);

  if (!me.data) return <Refusal error={me.error} testId="action-error" />;
  const { identity, roster } = me.data;
  if (!identity || !roster)
    return (
      <p className="banner banner-yellow" data-testid="request-needs-setup">
        Requesting approval needs {identity ? '' : <a href="#/identity">a signing identity</a>}
        {!identity && !roster && ' and '}
        {roster ? '' : <a href="#/roster">the team roster</a>} on this workstation.
      </p>
    );
  const policy = roster.policy[plan.runbook];
  const mins = minutes ?? policy.maxExpiryMinutes;
  const tooShort = reason.trim().length < policy.minReasonLength;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await call.run(() =>
      api.createRequest({ action: plan.runbook, target: (target ?? targetOf(plan)).trim(), reason: reason.trim(), plan, ...(overview ? { statusSnapshot: overview } : {}), expiresInMinutes: mins }),
    );
    if (created) navigate('requests', created.id);
  };
  return (
    <form className="request-approval" onSubmit={submit} data-testid="request-approval">
      <p className="muted small">
        Needs, together: {policy.requirements.map((r) => `${r.count} approver${r.count === 1 ? '' : 's'} from ${r.group ?? 'any group'}`).join(' AND ')}. Signed as {identity.name}.
      </p>
      <div className="request-grid">
        <label className="form-label">
          Target
          <input value={target ?? targetOf(plan)} onChange={(e) => setTarget(e.target.value)} maxLength={200} required data-testid="approval-target" />
        </label>
        <label className="form-label">
          Expires after (minutes)
          <input type="number" min={1} max={policy.maxExpiryMinutes} value={mins} onChange={(e) => setMinutes(Math.round(Number(e.target.value)))} required data-testid="approval-expiry" />
          <span className="muted small">= {formatDuration(mins * 60_000)} (policy maximum {formatDuration(policy.maxExpiryMinutes * 60_000)})</span>
        </label>
      </div>
      <label className="form-label">
        Reason <span className="muted small">(at least {policy.minReasonLength} characters; the approvers read it)</span>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={4000} required data-testid="approval-reason" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={call.busy || tooShort} data-testid="request-approval-submit">
          {call.busy ? 'Signing…' : 'Request approval'}
        </button>
        <span className="muted small">
          {reason.trim().length} / {policy.minReasonLength} characters
        </span>
      </div>
      <Refusal error={call.error} testId="request-approval-error" />
    </form>
  );
}

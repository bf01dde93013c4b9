import { useEffect, useState, type FormEvent } from 'react';
import type { RosterView } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi, useNow, useOverview } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { navigate } from '../../app/hash-route';
import { PlanSteps } from '../approvals-common/PlanSteps';
import { Refusal } from '../../app/Refusal';
import { RiskList } from '../approvals-common/RiskList';
import { requestRisks } from '../approvals-common/risks';
import { SitesStatus } from '../approvals-common/SitesStatus';
import { observedPrimary, runbookOf, targetOfPlan, type RequestInputs } from './request-inputs';
import { RequestFields } from './RequestFields';
import { usePlanPreview } from '../runbooks/use-plan-preview';
import { Card } from '../../components/Card';

/**
 * Creating a request: the requester sees the exact plan (step by step, targets and commands) and the status
 * snapshot that will be signed into it before signing; the engine refuses what the policy does not allow.
 */
export function NewRequest({ roster }: { roster: RosterView }) {
  const api = useDeskApi();
  const { overview } = useOverview();
  const now = useNow(5000);
  const [v, setV] = useState<RequestInputs>(() => ({
    action: 'dr-activation',
    runbook: 'dr-activation',
    site: null,
    target: '',
    targetEdited: false,
    reason: '',
    minutes: roster.policy['dr-activation'].maxExpiryMinutes,
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const policy = roster.policy[v.action];
  const site = v.site ?? overview?.sites.find((s) => s.role === 'dc')?.name ?? null;
  const preview = usePlanPreview(runbookOf(v), v.action === 'switchover' ? site : null, v.action === 'switchover' ? observedPrimary(overview, site) : null);

  const change = (patch: Partial<RequestInputs>) =>
    setV((old) => {
      const next = { ...old, ...patch };
      if (patch.action && patch.action !== old.action) next.minutes = roster.policy[patch.action].maxExpiryMinutes;
      return next;
    });

  useEffect(() => {
    if (preview.plan && !v.targetEdited) setV((old) => ({ ...old, target: targetOfPlan(preview.plan!) }));
  }, [preview.plan, v.targetEdited]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!preview.plan) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.createRequest({
        action: v.action,
        target: v.target.trim(),
        reason: v.reason.trim(),
        plan: preview.plan,
        ...(overview ? { statusSnapshot: overview } : {}),
        expiresInMinutes: v.minutes,
      });
      navigate('requests', created.id);
    } catch (err) {
      setError(toDeskError(err));
    } finally {
      setBusy(false);
    }
  };

  const risks = preview.plan ? requestRisks({ plan: preview.plan, breakGlass: v.action === 'break-glass', expiresAt: new Date(now + v.minutes * 60_000).toISOString(), state: 'pending' }, overview, now) : [];
  return (
    <form className="new-request" onSubmit={submit} data-testid="new-request">
      <div className="two-columns">
        <Card title="What and why">
          <RequestFields value={v} onChange={change} policy={policy} overview={overview} />
          <p className="muted small">
            Needs, together: {policy.requirements.map((r) => `${r.count} approver${r.count === 1 ? '' : 's'} from ${r.group ?? 'any group'}`).join(' AND ')}.
          </p>
        </Card>
        <Card title="Status snapshot" aside={<span className="muted small">signed into the request</span>}>
          {overview ? <SitesStatus overview={overview} now={now} caption="What this workstation sees now" testId="request-snapshot" /> : <div className="empty">No status yet.</div>}
        </Card>
      </div>
      <Card title="Plan preview" testId="plan-preview" aside={<span className="muted small">exactly what approvers sign and the executor runs</span>}>
        {preview.loading && <div className="empty">Building the plan…</div>}
        <Refusal error={preview.error} testId="plan-refusal" />
        {preview.plan && (
          <>
            <RiskList risks={risks} />
            <PlanSteps plan={preview.plan} digest={preview.digest ?? undefined} />
          </>
        )}
      </Card>
      <div className="submit-bar">
        <Refusal error={error} testId="create-refusal" />
        <button type="submit" className="primary" disabled={busy || !preview.plan} data-testid="create-request">
          {busy ? 'Signing…' : 'Sign and create request'}
        </button>
        <button type="button" onClick={() => navigate('requests')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

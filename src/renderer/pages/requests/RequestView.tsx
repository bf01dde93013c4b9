import type { RequestDetail } from '../../../shared/api/approvals';
import { useDeskApi, useNow } from '../../app/desk-context';
import { useDeskQuery } from '../../app/use-desk-query';
import { DecisionList } from '../approvals-common/DecisionList';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { ImportBox } from '../approvals-common/ImportBox';
import { PlanSteps } from '../approvals-common/PlanSteps';
import { Refusal } from '../../app/Refusal';
import { RequestFactsCard } from '../approvals-common/RequestFacts';
import { hrefOf } from '../../app/hash-route';
import { useCall } from '../../app/use-action';
import { LockBanner, RequestTitle } from '../approvals-common/RequestState';
import { RefusalList, RequirementList } from '../approvals-common/RequirementList';
import { asOverview, SitesStatus } from '../approvals-common/SitesStatus';
import { Clock } from '../../format/Clock';
import { Card } from '../../components/Card';

function SendToApprovers({ id }: { id: string }) {
  const q = useDeskQuery((api) => api.exportRequest({ id }), `export-${id}`, []);
  return (
    <Card title="Send to approvers" testId="send-request">
      <p className="muted small">Approvers import it on their own workstation (Approve page), check it against what they see, and send back their signed decision.</p>
      <Refusal error={q.error} />
      {q.data && <ExportPanel item={q.data} testId="request-export" what="approvers" />}
    </Card>
  );
}

/** What the import of one approval changed, in a sentence. */
function importOutcome(before: RequestDetail, after: RequestDetail): string {
  const known = new Set(before.decisionsList.map((d) => d.digest));
  const d = after.decisionsList.find((x) => !known.has(x.digest));
  if (!d) return 'Already imported: nothing changed.';
  const who = `${d.approver.name ?? d.approver.fingerprint}${d.approver.group ? ` (${d.approver.group})` : ''}`;
  const what = d.decision === 'approve' ? 'Approval' : 'Denial';
  return d.counted ? `${what} by ${who} verified and counted.` : `${what} by ${who} recorded but not counted: ${d.refusal?.code}.`;
}

/** An unlocked request starts here: the approved plan runs, and the execution's page opens. */
function StartCard({ request: r }: { request: RequestDetail }) {
  const api = useDeskApi();
  const call = useCall();
  const start = async () => {
    const e = await call.run(() => api.startExecution({ requestId: r.id }));
    if (e) window.location.hash = hrefOf('executions', e.id);
  };
  return (
    <div className="banner banner-green start-card" data-testid="request-start">
      <strong>Approved: the policy is met.</strong> Start runs exactly the plan the approvers signed.{' '}
      <button type="button" className="primary" onClick={start} disabled={call.busy} data-testid={`request-start-${r.id}`}>
        {call.busy ? 'Starting…' : 'Start'}
      </button>
      <Refusal error={call.error} testId={`request-start-error-${r.id}`} />
    </div>
  );
}

/** One request on the requester's side: its lock, each requirement, export, approvals coming back. */
export function RequestView({ request: r }: { request: RequestDetail }) {
  const api = useDeskApi();
  const now = useNow(5000);
  const snapshot = asOverview(r.statusSnapshot);
  const importApproval = async (text: string) => importOutcome(r, await api.importApproval({ text, requestId: r.id }));
  return (
    <div className="request-view" data-testid="request-view" data-request-id={r.id}>
      <RequestTitle request={r} backHref={hrefOf('requests')} backLabel="← All requests" />
      <LockBanner verification={r.verification} />
      {r.verification.unlocked && <StartCard request={r} />}
      {r.breakGlass && (
        <div className="banner banner-red" role="note" data-testid="break-glass-banner">
          <strong>Break-glass.</strong> It expires at <Clock iso={r.expiresAt} now={now} />, is announced in every report, and each step is in the audit log.
        </div>
      )}
      <div className="two-columns">
        <Card title="Approval requirements" aside={<span className="muted small">checked <Clock iso={r.verification.checkedAt} now={now} /></span>}>
          <RequirementList verification={r.verification} />
          <RefusalList refusals={r.verification.refusals} />
        </Card>
        <Card title="Import approvals">
          <ImportBox label="An approver's token or file" button="Import approval" onImport={importApproval} testId="approval-import" />
        </Card>
      </div>
      <div className="two-columns">
        <SendToApprovers id={r.id} />
        <Card title="Decisions">
          <DecisionList decisions={r.decisionsList} now={now} />
        </Card>
      </div>
      <RequestFactsCard request={r} now={now} />
      <Card title="Plan">
        <PlanSteps plan={r.plan} digest={r.planDigest} />
      </Card>
      {snapshot && (
        <Card title="Status when requested">
          <SitesStatus overview={snapshot} now={now} caption="The requester's view, signed into the request" testId="requester-snapshot" />
        </Card>
      )}
    </div>
  );
}

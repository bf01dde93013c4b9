import type { RequestDetail } from '../../../shared/api/approvals';
import { useNow, useOverview } from '../../app/desk-context';
import { DecisionList } from '../approvals-common/DecisionList';
import { hrefOf } from '../../app/hash-route';
import { PlanSteps } from '../approvals-common/PlanSteps';
import { RequestFactsCard } from '../approvals-common/RequestFacts';
import { LockBanner, RequestTitle } from '../approvals-common/RequestState';
import { RequirementList } from '../approvals-common/RequirementList';
import { RiskList } from '../approvals-common/RiskList';
import { requestRisks } from '../approvals-common/risks';
import { asOverview, SitesStatus } from '../approvals-common/SitesStatus';
import { DecisionForm } from './DecisionForm';
import { MyDecision } from './MyDecision';
import { Card } from '../../components/Card';

/**
 * The approver's view of one request: the requester's reason, the risks, both sites as THIS workstation
 * sees them now (next to what the requester saw), the exact plan, then the signed decision.
 */
export function ReviewRequest({ request: r, me, onDecided }: { request: RequestDetail; me: string; onDecided: () => void }) {
  const now = useNow(5000);
  const { overview } = useOverview();
  const snapshot = asOverview(r.statusSnapshot);
  const mine = r.decisionsList.filter((d) => d.approver.fingerprint === me).at(-1) ?? null;
  const own = r.requester.fingerprint === me;
  return (
    <div className="request-view" data-testid="review" data-request-id={r.id}>
      <RequestTitle request={r} backHref={hrefOf('approve')} backLabel="← Requests to review" />
      <section className="card reason-card">
        <div className="muted small">
          {r.requester.name ?? r.requester.fingerprint} asks, because:
        </div>
        <blockquote className="reason-quote" data-testid="review-reason">
          {r.reason}
        </blockquote>
      </section>
      <Card title="Risks">
        <RiskList risks={requestRisks(r, overview, now)} />
      </Card>
      <div className="two-columns">
        <Card title="Both sites now" aside={<span className="muted small">as this workstation sees them</span>}>
          {overview ? <SitesStatus overview={overview} now={now} caption="This workstation's view" testId="approver-status" /> : <div className="empty">No status yet.</div>}
        </Card>
        <Card title="When requested" aside={<span className="muted small">as the requester saw them</span>}>
          {snapshot ? (
            <SitesStatus overview={snapshot} now={now} caption="The requester's view, signed into the request" testId="requester-snapshot" />
          ) : (
            <div className="empty">The request did not carry the requester's status (only its digest).</div>
          )}
        </Card>
      </div>
      <Card title="What it will do">
        <PlanSteps plan={r.plan} digest={r.planDigest} />
      </Card>
      <Card title="Your decision" testId="decide">
        {mine ? (
          <MyDecision decision={mine} now={now} />
        ) : own ? (
          <p className="banner banner-yellow">You made this request: a second person must approve it.</p>
        ) : r.state === 'pending' || r.state === 'approved' ? (
          <DecisionForm requestId={r.id} onDecided={onDecided} />
        ) : (
          <>
            <LockBanner verification={r.verification} />
            <p className="muted">This request is {r.state}: it can no longer be decided on. It stays on record.</p>
          </>
        )}
      </Card>
      <div className="two-columns">
        <Card title="Requirements, as seen here">
          <RequirementList verification={r.verification} />
        </Card>
        <Card title="Decisions received here">
          <DecisionList decisions={r.decisionsList} now={now} />
        </Card>
      </div>
      <RequestFactsCard request={r} now={now} />
    </div>
  );
}

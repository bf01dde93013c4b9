import type { DecisionView } from '../../../shared/api/approvals';
import { useDeskQuery } from '../../app/use-desk-query';

import { ExportPanel } from '../approvals-common/ExportPanel';
import { Refusal } from '../../app/Refusal';
import { Clock } from '../../format/Clock';

/** The decision this workstation signed, ready to send back to the requester as a token or a file. */
export function MyDecision({ decision, now }: { decision: DecisionView; now: number }) {
  const q = useDeskQuery((api) => api.exportApproval({ digest: decision.digest }), decision.digest, []);
  const verb = decision.decision === 'approve' ? 'approved' : 'denied';
  return (
    <div className="my-decision" data-testid="my-decision" data-decision={decision.decision}>
      <div className={`banner ${decision.decision === 'approve' ? 'banner-green' : 'banner-red'}`} role="status">
        You {verb} this request at <Clock iso={decision.createdAt} now={now} />
        {decision.comment ? `: “${decision.comment}”` : '.'} Send it back to the requester:
      </div>
      <Refusal error={q.error} />
      {q.data && <ExportPanel item={q.data} testId="decision-export" what="requester (Requests page, Import approvals)" />}
    </div>
  );
}

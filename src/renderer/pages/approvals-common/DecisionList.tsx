import type { DecisionView } from '../../../shared/api/approvals';
import type { ReactNode } from 'react';

import { Person } from './Fingerprint';
import { Clock } from '../../format/Clock';

/** Approvals and denials received for a request, each counted or not with the reason. */
export function DecisionList({ decisions, now, actions }: { decisions: DecisionView[]; now: number; actions?: (d: DecisionView) => ReactNode }) {
  if (!decisions.length) return <p className="muted">No approval or denial yet.</p>;
  return (
    <ul className="decisions" data-testid="decisions">
      {decisions.map((d) => (
        <li key={d.digest} className={`decision ${d.decision} ${d.counted ? 'counted' : 'not-counted'}`} data-testid="decision">
          <div className="decision-head">
            <span className={`pill level-${d.decision === 'approve' ? 'green' : 'red'}`}>{d.decision === 'approve' ? 'Approved' : 'Denied'}</span>
            <Person person={d.approver} />
            <span className="muted small"><Clock iso={d.createdAt} now={now} /></span>
            {!d.counted && <span className="pill level-unknown">not counted</span>}
          </div>
          {d.comment && <blockquote className="comment">{d.comment}</blockquote>}
          {d.refusal && (
            <div className="small refusal-line">
              <code>{d.refusal.code}</code> {d.refusal.message}
            </div>
          )}
          {actions?.(d)}
        </li>
      ))}
    </ul>
  );
}

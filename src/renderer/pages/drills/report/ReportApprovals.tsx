import type { DrillReport } from '../../../../shared/api/drill-report';
import { utc } from './report-format';

/** The request, who approved it (name, group, key, comment, time) and the policy it satisfied. */
export function ReportApprovals({ r }: { r: DrillReport }) {
  return (
    <section className="card" data-testid="report-approvals">
      <header className="card-header">
        <h2>Request and approvals</h2>
        {r.policy && (
          <span className={`pill level-${r.policy.satisfied ? 'green' : 'red'}`} title={r.policy.description}>
            Policy {r.policy.satisfied ? 'satisfied' : 'not satisfied'}
          </span>
        )}
      </header>
      {r.breakGlass && (
        <div className="banner banner-red">
          Break-glass: {r.breakGlass.reason} — signed by {r.breakGlass.approvers.join(', ')}
        </div>
      )}
      {r.request && (
        <dl className="fields report-fields">
          <div className="field">
            <dt>Request</dt>
            <dd>
              <span className="mono">{r.request.id}</span> · created {utc(r.request.createdAt)} · expires {utc(r.request.expiresAt)}
            </dd>
          </div>
          <div className="field">
            <dt>Reason</dt>
            <dd>{r.request.reason}</dd>
          </div>
          {r.policy && (
            <div className="field">
              <dt>Policy</dt>
              <dd>{r.policy.description}</dd>
            </div>
          )}
        </dl>
      )}
      {r.approvals.length ? (
        <table className="table report-table">
          <thead>
            <tr>
              <th>Approver</th>
              <th>Group</th>
              <th>Key fingerprint</th>
              <th>Comment</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {r.approvals.map((a) => (
              <tr key={a.fingerprint} data-testid="report-approver">
                <td>
                  <strong>{a.name}</strong>
                </td>
                <td>{a.group}</td>
                <td>
                  <code className="fp-code">{a.fingerprint}</code>
                </td>
                <td>{a.comment}</td>
                <td className="small mono">{utc(a.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{r.plan ? 'No approvals are recorded.' : 'No approvals: this scenario runs no runbook.'}</p>
      )}
    </section>
  );
}

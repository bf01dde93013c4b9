import type { DrillReport } from '../../../../shared/api/drill-report';
import { utc } from './report-format';
import { DataTable } from '../../../components/DataTable';

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
        <DataTable
          className="table report-table"
          rows={r.approvals}
          rowKey={(a) => a.fingerprint}
          rowProps={() => ({ 'data-testid': 'report-approver' })}
          columns={[
            { header: 'Approver', cell: (a) => <strong>{a.name}</strong> },
            { header: 'Group', cell: (a) => a.group },
            { header: 'Key fingerprint', cell: (a) => <code className="fp-code">{a.fingerprint}</code> },
            { header: 'Comment', cell: (a) => a.comment },
            { header: 'Time', cellClass: 'small mono', cell: (a) => utc(a.at) },
          ]}
        />
      ) : (
        <p className="muted">{r.plan ? 'No approvals are recorded.' : 'No approvals: this scenario runs no runbook.'}</p>
      )}
    </section>
  );
}

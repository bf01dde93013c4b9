import type { DrillReport } from '../../../../shared/api/drill-report';
import { utc } from './report-format';
import { DataTable } from '../../../components/DataTable';
import { Fact } from '../../../components/Fact';
import { Card } from '../../../components/Card';

/** The request, who approved it (name, group, key, comment, time) and the policy it satisfied. */
export function ReportApprovals({ r }: { r: DrillReport }) {
  return (
    <Card
      title="Request and approvals"
      testId="report-approvals"
      aside={
        <>
          {r.policy && (
            <span className={`pill level-${r.policy.satisfied ? 'green' : 'red'}`} title={r.policy.description}>
              Policy {r.policy.satisfied ? 'satisfied' : 'not satisfied'}
            </span>
          )}
        </>
      }
    >
      {r.breakGlass && (
        <div className="banner banner-red">
          Break-glass: {r.breakGlass.reason} — signed by {r.breakGlass.approvers.join(', ')}
        </div>
      )}
      {r.request && (
        <dl className="fields report-fields">
          <Fact label="Request">
            <span className="mono">{r.request.id}</span> · created {utc(r.request.createdAt)} · expires {utc(r.request.expiresAt)}
          </Fact>
          <Fact label="Reason">{r.request.reason}</Fact>
          {r.policy && (
            <Fact label="Policy">{r.policy.description}</Fact>
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
    </Card>
  );
}

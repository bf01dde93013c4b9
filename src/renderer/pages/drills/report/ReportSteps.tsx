import type { DrillReport } from '../../../../shared/api/drill-report';
import { millis } from './report-format';
import { DataTable } from '../../../components/DataTable';
import { Card } from '../../../components/Card';

const LEVEL: Record<string, string> = { succeeded: 'green', failed: 'red', 'timed-out': 'red', interrupted: 'red', cancelled: 'unknown', running: 'yellow' };

const clock = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');

/** The step table of the report, and the steps that never ran (an aborted or failed run stops early). */
export function ReportSteps({ r }: { r: DrillReport }) {
  if (!r.steps.length && !r.notRun.length)
    return (
      <Card title="Steps">
        <p className="muted">No runbook steps: the scenario observes the automatic election.</p>
      </Card>
    );
  return (
    <Card
      title="Steps"
      testId="report-steps"
      aside={
        <>
          {r.plan && (
            <span className="muted small">
              {r.plan.title} · {r.plan.steps} steps · plan <code title={r.plan.digest}>{r.plan.digest.slice(0, 19)}…</code>
            </span>
          )}
        </>
      }
    >
      <DataTable
        className="table report-table"
        rows={r.steps}
        rowKey={(s) => `${s.n}-${s.title}`}
        rowProps={(s) => ({ 'data-testid': `report-step-${s.n}`, 'data-status': s.status })}
        columns={[
          { header: '#', cellClass: 'n', cell: (s) => s.n },
          {
            header: 'Step',
            cell: (s) => (
              <>
                {s.title}
                <div className="muted small">
                  {s.kind} · {s.target}
                </div>
              </>
            ),
          },
          { header: 'Status', cell: (s) => <span className={`pill level-${LEVEL[s.status] ?? 'unknown'}`}>{s.status}</span> },
          { header: 'Start (UTC)', cellClass: 'mono small', cell: (s) => clock(s.startedAt) },
          { header: 'Finish (UTC)', cellClass: 'mono small', cell: (s) => clock(s.finishedAt) },
          { header: 'Time', headerClass: 'num', cellClass: 'mono small num', cell: (s) => millis(s.durationMs) },
          { header: 'Error', cellClass: 'step-error small', cell: (s) => s.error ?? '' },
        ]}
      />
      {r.notRun.length ? (
        <div className="not-run" data-testid="report-not-run">
          <h3 className="subhead">Steps that did not run</h3>
          <ul>
            {r.notRun.map((s) => (
              <li key={s.n}>
                {s.n}. {s.title}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted small">Every step ran.</p>
      )}
    </Card>
  );
}

import type { Plan } from '../../../shared/api/runbook-plan';
import { formatDuration } from '../../format/time';
import type { PlanNote } from './plan-notes';
import { targetText } from './plan-text';
import { DataTable } from '../../components/DataTable';

/** The exact plan as a table: what each step does, where, the command as sent, and whether it is safe to repeat. */
export function PlanTable({ plan, digest, notes }: { plan: Plan; digest: string; notes: PlanNote[] }) {
  return (
    <div className="plan-preview" data-testid="runbook-plan" data-runbook={plan.runbook}>
      <p className="muted small">
        <strong className="plan-title">{plan.title}</strong> · {plan.steps.length} steps on {plan.topology} · digest <code title={digest}>{digest.slice(0, 23)}…</code>
      </p>
      {notes.length > 0 && (
        <ul className="plan-warning-list" data-testid="plan-warnings">
          {notes.map((w) => (
            <li key={w.text} className={`banner banner-${w.level}`}>
              {w.text}
            </li>
          ))}
        </ul>
      )}
      <DataTable
        className="table plan-table"
        rows={plan.steps}
        rowKey={(s) => s.n}
        rowProps={(s) => ({ className: `kind-${s.kind}`, 'data-testid': `plan-row-${s.n}`, 'data-op': s.operation.op })}
        columns={[
          { header: '#', cellClass: 'n', cell: (s) => s.n },
          { header: 'Kind', cell: (s) => <span className="kind-word">{s.kind}</span> },
          {
            header: 'Step and target',
            cell: (s) => (
              <>
                <strong>{s.title}</strong>
                <div className="muted small">
                  {targetText(s.target)} · deadline {formatDuration(s.timeoutMs)}
                  {s.retries > 0 && ` · ${s.retries} ${s.retries === 1 ? 'retry' : 'retries'}`}
                </div>
              </>
            ),
          },
          { header: 'Exact command', cell: (s) => <code className="step-command">{s.command}</code> },
          { header: 'Idempotent', cell: (s) => (s.idempotent ? <span className="yes">yes</span> : <span className="not-idempotent">no — asks before re-running</span>) },
          { header: 'Compensation', cellClass: 'small', cell: (s) => (s.compensation ? s.compensation.title : <span className="muted">—</span>) },
        ]}
      />
    </div>
  );
}

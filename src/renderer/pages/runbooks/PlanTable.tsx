import type { Plan } from '../../../shared/api/runbook-plan';
import { formatDuration } from '../../format/time';
import type { PlanNote } from './plan-notes';
import { targetText } from './plan-text';

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
      <table className="table plan-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Kind</th>
            <th>Step and target</th>
            <th>Exact command</th>
            <th>Idempotent</th>
            <th>Compensation</th>
          </tr>
        </thead>
        <tbody>
          {plan.steps.map((s) => (
            <tr key={s.n} className={`kind-${s.kind}`} data-testid={`plan-row-${s.n}`} data-op={s.operation.op}>
              <td className="n">{s.n}</td>
              <td>
                <span className="kind-word">{s.kind}</span>
              </td>
              <td>
                <strong>{s.title}</strong>
                <div className="muted small">
                  {targetText(s.target)} · deadline {formatDuration(s.timeoutMs)}
                  {s.retries > 0 && ` · ${s.retries} ${s.retries === 1 ? 'retry' : 'retries'}`}
                </div>
              </td>
              <td>
                <code className="step-command">{s.command}</code>
              </td>
              <td>{s.idempotent ? <span className="yes">yes</span> : <span className="not-idempotent">no — asks before re-running</span>}</td>
              <td className="small">{s.compensation ? s.compensation.title : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

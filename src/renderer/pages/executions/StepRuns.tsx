import type { StepRunView, StepView } from '../../../shared/api/runbooks';
import { formatClock } from '../../format/time';

function runDuration(r: StepRunView): string {
  if (r.durationMs === null) return 'running';
  return r.durationMs < 1000 ? `${r.durationMs} ms` : `${(r.durationMs / 1000).toFixed(1)} s`;
}

function RunLine({ run, label, now }: { run: StepRunView; label: string; now: number }) {
  return (
    <li className={`step-run run-${run.status}`}>
      <div className="small">
        <strong>{label}</strong> · {run.status} · {formatClock(run.startedAt, now)} → {run.finishedAt ? formatClock(run.finishedAt, now) : '…'} ({runDuration(run)}) · deadline {formatClock(run.deadlineAt, now)}
        {run.confirmedBy && ` · confirmed by ${run.confirmedBy}`}
      </div>
      {run.errorCode && (
        <div className="step-error small">
          <code>{run.errorCode}</code> {run.errorMessage}
        </div>
      )}
      {run.output && <pre className="step-output">{run.output}</pre>}
    </li>
  );
}

/** Everything the journal holds for one step: the exact command, each attempt and the compensation. */
export function StepRuns({ step, now }: { step: StepView; now: number }) {
  return (
    <div className="step-runs" data-testid={`step-runs-${step.n}`}>
      <code className="step-command">{step.command}</code>
      <ul className="run-list">
        {step.attempts.map((r) => (
          <RunLine key={`run-${r.attempt}`} run={r} label={`Attempt ${r.attempt}`} now={now} />
        ))}
        {step.compensation && <RunLine run={step.compensation} label="Compensation" now={now} />}
      </ul>
      {step.attempts.length === 0 && <p className="muted small">Not started.</p>}
    </div>
  );
}

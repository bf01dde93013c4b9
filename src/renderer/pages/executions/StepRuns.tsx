import type { StepRunView, StepView } from '../../../shared/api/runbooks';
import { localizeTimes } from '../../format/time';
import { Clock } from '../../format/Clock';

function runDuration(r: StepRunView): string {
  if (r.durationMs === null) return 'running';
  return r.durationMs < 1000 ? `${r.durationMs} ms` : `${(r.durationMs / 1000).toFixed(1)} s`;
}

function RunLine({ run, label, now }: { run: StepRunView; label: string; now: number }) {
  return (
    <li className={`step-run run-${run.status}`}>
      <div className="small">
        <strong>{label}</strong> · {run.status} · <Clock iso={run.startedAt} now={now} /> → {run.finishedAt ? <Clock iso={run.finishedAt} now={now} /> : '…'} ({runDuration(run)}) · deadline <Clock iso={run.deadlineAt} now={now} />
        {run.confirmedBy && ` · confirmed by ${run.confirmedBy}`}
      </div>
      {run.errorCode && (
        <div className="step-error small">
          <code>{run.errorCode}</code> {run.errorMessage && localizeTimes(run.errorMessage, now)}
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

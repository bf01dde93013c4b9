import type { ExecutionView } from '../../../shared/api/runbooks';
import { formatDuration } from '../../format/time';
import { EXECUTION_LABEL, EXECUTION_LEVEL, isActive, liveRun } from './status';
import { Clock } from '../../format/Clock';

function ProgressBar({ e }: { e: ExecutionView }) {
  const total = e.steps.length;
  const done = e.steps.filter((s) => s.status === 'succeeded').length;
  const pct = total ? Math.round((done / total) * 100) : 0;
  return (
    <div className="exec-progress">
      <div className="exec-progress-label">
        <span>
          {done} of {total} steps succeeded
        </span>
        <span className="mono">{pct} %</span>
      </div>
      <div className={`exec-track level-${EXECUTION_LEVEL[e.status]}`} role="progressbar" aria-label="Steps succeeded" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} data-testid="execution-progress">
        <div className="exec-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** The step running now, its deadline and the time left before the engine stops it. */
function RunningStep({ e, now }: { e: ExecutionView; now: number }) {
  const step = e.steps.find((s) => s.n === e.currentStep);
  const run = step ? liveRun(step) : null;
  if (!step || !run || !isActive(e.status)) return null;
  const left = Date.parse(run.deadlineAt) - now;
  return (
    <p className="running-step" data-testid="running-step" data-step={step.n}>
      {run.phase === 'compensate' ? 'Compensating' : 'Running'} step {step.n}: <strong>{step.title}</strong> · started {formatDuration(now - Date.parse(run.startedAt))} ago · deadline{' '}
      <span className="mono"><Clock iso={run.deadlineAt} now={now} /></span> ({left > 0 ? `${formatDuration(left)} left` : 'passed: stopping it'})
    </p>
  );
}

function StatusBanner({ e }: { e: ExecutionView }) {
  if (e.status === 'interrupted')
    return (
      <div className="banner banner-red" role="alert" data-testid="interrupted-banner">
        <strong>Interrupted at step {e.interruptedAtStep ?? e.currentStep ?? '?'}</strong>
        {e.error && ` — ${e.error.message}`}
        <div className="small">Nothing is running now. Resume re-runs only what is safe to run again and asks before anything else; Abort runs the compensations.</div>
      </div>
    );
  if (e.error && (e.status === 'failed' || e.status === 'abort-failed'))
    return (
      <div className="banner banner-red" role="alert" data-testid="execution-error">
        <code>{e.error.code}</code> {e.error.message}
      </div>
    );
  if (e.status === 'awaiting-confirmation')
    return (
      <div className="banner banner-yellow" role="status">
        Step {e.awaitingStep} waits for a person to confirm it (see the step below).
      </div>
    );
  return null;
}

export function ExecutionHeader({ e, now }: { e: ExecutionView; now: number }) {
  const end = e.finishedAt ? Date.parse(e.finishedAt) : now;
  return (
    <section className="card exec-header" data-testid="execution-header">
      <div className="exec-title">
        <h2>{e.title}</h2>
        <span className={`pill level-${EXECUTION_LEVEL[e.status]}`} data-testid="execution-status" data-status={e.status}>
          {EXECUTION_LABEL[e.status]}
        </span>
        {e.mode === 'drill' && <span className="pill level-unknown">drill</span>}
      </div>
      <p className="muted small exec-facts">
        <span className="mono">{e.id}</span> · started by {e.initiator} at <Clock iso={e.createdAt} now={now} /> · {e.finishedAt ? 'took' : 'running for'} {formatDuration(end - Date.parse(e.createdAt))}
        {e.requestId && (
          <>
            {' · '}request <a href={`#/requests/${encodeURIComponent(e.requestId)}`}>{e.requestId}</a>
          </>
        )}
        {' · '}plan <code title={e.planDigest}>{e.planDigest.slice(0, 19)}…</code>
      </p>
      {e.breakGlass && (
        <div className="banner banner-red">
          Break-glass: {e.breakGlass.reason} — signed by {e.breakGlass.approvers.join(', ')}
        </div>
      )}
      <StatusBanner e={e} />
      <ProgressBar e={e} />
      <RunningStep e={e} now={now} />
    </section>
  );
}

import type { Step } from '../../../shared/api/runbook-plan';
import { formatDuration } from '../../format/time';
import { asRunbookPlan, targetText } from './plan-shape';

function StepMeta({ step }: { step: Step }) {
  const parts = [`deadline ${formatDuration(step.timeoutMs)}`];
  if (step.retries > 0) parts.push(`${step.retries} ${step.retries === 1 ? 'retry' : 'retries'}`);
  parts.push(step.idempotent ? 'safe to re-run' : 'not idempotent: re-run only after a confirmation');
  return <div className="step-meta">{parts.join(' · ')}</div>;
}

function PlanStep({ step }: { step: Step }) {
  return (
    <li className={`plan-step kind-${step.kind}`} data-testid={`plan-step-${step.n}`} data-op={step.operation.op}>
      <span className="step-n">{step.n}</span>
      <div className="step-body">
        <div className="step-head">
          <span className="kind-tag">{step.kind}</span>
          <strong>{step.title}</strong>
        </div>
        <div className="step-target">
          <span className="muted">Target</span> {targetText(step.target)}
        </div>
        {step.command && <code className="step-command">{step.command}</code>}
        <StepMeta step={step} />
        {step.compensation && (
          <div className="step-undo">
            <span className="muted">If a later step fails:</span> {step.compensation.title}
          </div>
        )}
      </div>
    </li>
  );
}

/** The exact plan a request carries, step by step with targets and commands: what the signatures cover. */
export function PlanSteps({ plan, digest }: { plan: unknown; digest?: string }) {
  const rb = asRunbookPlan(plan);
  if (!rb)
    return (
      <div className="plan" data-testid="plan">
        <p className="muted">This plan is not a runbook plan; it is shown exactly as signed.</p>
        <pre className="plan-json">{JSON.stringify(plan, null, 2)}</pre>
      </div>
    );
  const params = Object.entries(rb.params).filter(([, v]) => v !== null);
  return (
    <div className="plan" data-testid="plan" data-runbook={rb.runbook}>
      <div className="plan-head">
        <strong>{rb.title}</strong>
        <span className="muted small">
          {rb.steps.length} steps on {rb.topology}
          {params.length > 0 && ` · ${params.map(([k, v]) => `${k} ${String(v)}`).join(' · ')}`}
        </span>
        {digest && (
          <span className="muted small">
            Plan digest <code title={digest}>{digest.slice(0, 23)}…</code>
          </span>
        )}
      </div>
      {rb.warnings.length > 0 && (
        <ul className="plan-warnings">
          {rb.warnings.map((w) => (
            <li key={w} className="banner banner-yellow">
              {w}
            </li>
          ))}
        </ul>
      )}
      <ol className="plan-steps">
        {rb.steps.map((s) => (
          <PlanStep key={s.n} step={s} />
        ))}
      </ol>
    </div>
  );
}

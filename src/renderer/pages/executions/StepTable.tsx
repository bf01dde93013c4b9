import { Fragment, useState } from 'react';
import type { ExecutionView, StepView } from '../../../shared/api/runbooks';
import { formatDuration, localizeTimes, utcTimes } from '../../format/time';
import { targetText } from '../runbooks/plan-text';
import { StepRuns } from './StepRuns';
import { STEP_LABEL, STEP_LEVEL, stepDisplay } from './status';
import { Clock } from '../../format/Clock';

function duration(step: StepView, now: number): string {
  if (step.durationMs !== null) return step.durationMs < 1000 ? `${step.durationMs} ms` : `${(step.durationMs / 1000).toFixed(1)} s`;
  return step.startedAt && !step.finishedAt ? formatDuration(now - Date.parse(step.startedAt)) : '—';
}

/** The last line the step printed, or its error: enough to follow along without opening it. */
function lastWords(step: StepView): string {
  if (step.error) return `${step.error.code}: ${step.error.message}`;
  const out = step.attempts.at(-1)?.output.trim() ?? '';
  return out.split('\n').at(-1) ?? '';
}

function StepRow({ step, e, open, onToggle, now }: { step: StepView; e: ExecutionView; open: boolean; onToggle: () => void; now: number }) {
  const shown = stepDisplay(step, e.status);
  const current = e.currentStep === step.n && shown === 'running';
  return (
    <tr className={`step-row status-${shown}${current ? ' current' : ''}`} data-testid={`step-${step.n}`} data-status={shown}>
      <td className="n">{step.n}</td>
      <td>
        <div className="step-title">
          <strong>{step.title}</strong>
          {!step.idempotent && (
            <span className="not-idempotent" title="Re-run only after an explicit confirmation">
              not idempotent
            </span>
          )}
        </div>
        <div className="muted small">
          <span className="kind-word">{step.kind}</span> · {targetText(step.target)}
          {step.hasCompensation && ' · has a compensation'}
        </div>
        {lastWords(step) && (
          <div className={step.error ? 'step-error small' : 'step-last small'} title={utcTimes(lastWords(step))}>
            {localizeTimes(lastWords(step), now)}
          </div>
        )}
      </td>
      <td>
        <span className={`step-pill lvl-${STEP_LEVEL[shown]}`}>{STEP_LABEL[shown]}</span>
        {step.attempts.length > 1 && <div className="muted small">{step.attempts.length} attempts</div>}
      </td>
      <td className="mono small"><Clock iso={step.startedAt} now={now} /></td>
      <td className="mono small num">{duration(step, now)}</td>
      <td className="actions">
        <button type="button" className="link-button" onClick={onToggle} aria-expanded={open} data-testid={`step-toggle-${step.n}`}>
          {open ? 'Hide' : 'Details'}
        </button>
      </td>
    </tr>
  );
}

/** Every step of the execution with its state, timing and output; details open on demand. */
export function StepTable({ e, now }: { e: ExecutionView; now: number }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (n: number) =>
    setOpen((old) => {
      const next = new Set(old);
      if (!next.delete(n)) next.add(n);
      return next;
    });
  return (
    <section className="card">
      <header className="card-header">
        <h2>Steps</h2>
        <span className="muted small">journaled before and after each step</span>
      </header>
      <table className="table step-table" data-testid="step-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Step</th>
            <th>State</th>
            <th>Started</th>
            <th className="num">Time</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {e.steps.map((s) => (
            <Fragment key={s.n}>
              <StepRow step={s} e={e} open={open.has(s.n)} onToggle={() => toggle(s.n)} now={now} />
              {open.has(s.n) && (
                <tr className="step-detail-row">
                  <td />
                  <td colSpan={5}>
                    <StepRuns step={s} now={now} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}

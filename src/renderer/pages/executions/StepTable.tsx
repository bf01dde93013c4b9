import { useState } from 'react';
import type { ExecutionView, StepView } from '../../../shared/api/runbooks';
import { formatDuration, localizeTimes, utcTimes } from '../../format/time';
import { targetText } from '../runbooks/plan-text';
import { StepRuns } from './StepRuns';
import { STEP_LABEL, STEP_LEVEL, stepDisplay } from './status';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';
import { Card } from '../../components/Card';

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

/** Title, kind and target, and the step's last words. */
function StepSummary({ step, now }: { step: StepView; now: number }) {
  return (
    <>
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
    </>
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
    <Card title="Steps" aside={<span className="muted small">journaled before and after each step</span>}>
      <DataTable
        className="table step-table"
        testId="step-table"
        rows={e.steps}
        rowKey={(s) => s.n}
        rowProps={(s) => {
          const shown = stepDisplay(s, e.status);
          const current = e.currentStep === s.n && shown === 'running';
          return { className: `step-row status-${shown}${current ? ' current' : ''}`, 'data-testid': `step-${s.n}`, 'data-status': shown };
        }}
        columns={[
          { header: '#', cellClass: 'n', cell: (s) => s.n },
          { header: 'Step', cell: (s) => <StepSummary step={s} now={now} /> },
          {
            header: 'State',
            cell: (s) => (
              <>
                <span className={`step-pill lvl-${STEP_LEVEL[stepDisplay(s, e.status)]}`}>{STEP_LABEL[stepDisplay(s, e.status)]}</span>
                {s.attempts.length > 1 && <div className="muted small">{s.attempts.length} attempts</div>}
              </>
            ),
          },
          { header: 'Started', cellClass: 'mono small', cell: (s) => <Clock iso={s.startedAt} now={now} /> },
          { header: 'Time', headerClass: 'num', cellClass: 'mono small num', cell: (s) => duration(s, now) },
          {
            cellClass: 'actions',
            cell: (s) => (
              <button type="button" className="link-button" onClick={() => toggle(s.n)} aria-expanded={open.has(s.n)} data-testid={`step-toggle-${s.n}`}>
                {open.has(s.n) ? 'Hide' : 'Details'}
              </button>
            ),
          },
        ]}
        below={(s) =>
          open.has(s.n) && (
            <tr className="step-detail-row">
              <td />
              <td colSpan={5}>
                <StepRuns step={s} now={now} />
              </td>
            </tr>
          )
        }
      />
    </Card>
  );
}

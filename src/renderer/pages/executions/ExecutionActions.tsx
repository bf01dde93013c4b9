import { useState } from 'react';
import type { ExecutionView } from '../../../shared/api/runbooks';
import { useDeskApi } from '../../app/desk-context';
import { stepPrompt } from '../runbooks/plan-text';
import { ConfirmDialog } from './ConfirmDialog';
import { downloadReport } from './download';
import { Refusal } from '../../app/Refusal';
import { isFinished } from './status';
import { useCall } from '../../app/use-action';

type Dialog = 'resume' | 'abort' | 'confirm' | null;

/** The compensations an abort runs: steps that ran and have one, newest first. */
function compensations(e: ExecutionView): Array<{ n: number; title: string }> {
  return e.steps
    .filter((s) => s.hasCompensation && s.attempts.length > 0)
    .reverse()
    .map((s) => ({ n: s.n, title: e.plan.steps.find((p) => p.n === s.n)?.compensation?.title ?? `Undo step ${s.n}` }));
}

function ResumeBody({ e }: { e: ExecutionView }) {
  const n = e.confirmationNeededFor;
  const step = e.plan.steps.find((s) => s.n === n);
  if (!step) {
    const next = e.steps.find((s) => s.status !== 'succeeded');
    return (
      <p>
        {next ? `It continues at step ${next.n}, "${next.title}" (safe to run again). ` : ''}Steps that succeeded are not run again.
      </p>
    );
  }
  return (
    <>
      <p className="banner banner-yellow">
        Step {step.n} <strong>{step.title}</strong> is <strong>not idempotent</strong> and had started before the execution stopped: it may have partly run.
      </p>
      <p>Check its target first. Confirming runs it again, exactly as approved:</p>
      <code className="step-command">{step.command}</code>
    </>
  );
}

function AbortBody({ e }: { e: ExecutionView }) {
  const list = compensations(e);
  return (
    <>
      <p>The step under way is stopped, and no further step runs.</p>
      {list.length ? (
        <>
          <p>These compensations run, in this order:</p>
          <ol className="comp-list" data-testid="abort-compensations">
            {list.map((c) => (
              <li key={c.n}>
                {c.title} <span className="muted small">(undoes step {c.n})</span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="muted">No step that ran has a compensation: nothing is undone.</p>
      )}
    </>
  );
}

/** Resume, Abort, a manual step's Confirm, and the report: each asks before it acts on the live system. */
export function ExecutionActions({ e, onChange, onShowReport }: { e: ExecutionView; onChange: (e: ExecutionView) => void; onShowReport: () => void }) {
  const api = useDeskApi();
  const call = useCall();
  const exporter = useCall();
  const [dialog, setDialog] = useState<Dialog>(null);
  const awaiting = e.plan.steps.find((s) => s.n === e.awaitingStep);

  const act = async (action: () => Promise<ExecutionView>) => {
    const v = await call.run(action);
    setDialog(null);
    if (v) onChange(v);
  };
  const exportPdf = async () => {
    const file = await exporter.run(() => api.exportExecutionReport({ id: e.id, format: 'pdf' }));
    if (file) downloadReport(file);
  };

  return (
    <section className="card exec-actions" data-testid="execution-actions">
      <div className="action-row">
        {awaiting && (
          <button type="button" className="primary" onClick={() => setDialog('confirm')} data-testid="confirm-step">
            Confirm step {awaiting.n}…
          </button>
        )}
        {e.resumable && (
          <button type="button" className="primary" onClick={() => setDialog('resume')} data-testid="resume">
            Resume{e.confirmationNeededFor !== null ? ` (confirm step ${e.confirmationNeededFor})` : ''}…
          </button>
        )}
        {!isFinished(e.status) && e.status !== 'aborting' && (
          <button type="button" className="danger" onClick={() => setDialog('abort')} data-testid="abort">
            Abort…
          </button>
        )}
        {isFinished(e.status) && (
          <span className="muted small" data-testid="finished-note">
            Finished: the request has run and cannot run again.
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={onShowReport} data-testid="show-report">
          Report
        </button>
        <button type="button" onClick={exportPdf} disabled={exporter.busy} data-testid="export-pdf">
          {exporter.busy ? 'Rendering PDF…' : 'Export PDF'}
        </button>
      </div>
      <Refusal error={call.error} testId="action-error" />
      <Refusal error={exporter.error} testId="export-error" />
      {dialog === 'resume' && (
        <ConfirmDialog
          title={e.confirmationNeededFor !== null ? `Run step ${e.confirmationNeededFor} again?` : 'Resume the execution?'}
          confirmLabel={e.confirmationNeededFor !== null ? `Run step ${e.confirmationNeededFor} again and resume` : 'Resume'}
          tone={e.confirmationNeededFor !== null ? 'danger' : 'primary'}
          busy={call.busy}
          onCancel={() => setDialog(null)}
          onConfirm={() => void act(() => api.resumeExecution({ id: e.id, ...(e.confirmationNeededFor !== null ? { confirmSteps: [e.confirmationNeededFor] } : {}) }))}
          testId="resume-dialog"
        >
          <ResumeBody e={e} />
        </ConfirmDialog>
      )}
      {dialog === 'abort' && (
        <ConfirmDialog title="Abort the execution?" confirmLabel="Abort and compensate" tone="danger" busy={call.busy} onCancel={() => setDialog(null)} onConfirm={() => void act(() => api.abortExecution({ id: e.id }))} testId="abort-dialog">
          <AbortBody e={e} />
        </ConfirmDialog>
      )}
      {dialog === 'confirm' && awaiting && (
        <ConfirmDialog title={`Confirm step ${awaiting.n}`} confirmLabel="Done: confirm" busy={call.busy} onCancel={() => setDialog(null)} onConfirm={() => void act(() => api.confirmStep({ id: e.id, step: awaiting.n }))} testId="confirm-dialog">
          <p className="manual-prompt">{stepPrompt(awaiting)}</p>
          <p className="muted small">Your confirmation is journaled and audited under your name.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

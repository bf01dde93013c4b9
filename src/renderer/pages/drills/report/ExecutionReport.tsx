import type { DrillReport } from '../../../../shared/api/drill-report';
import { useDeskApi } from '../../../app/desk-context';
import { downloadReport } from '../../executions/download';
import { ErrorLine } from '../../executions/ErrorLine';
import { useCall } from '../../executions/use-call';
import { useQuery } from '../../executions/use-query';
import { ReportView } from './ReportView';
import { VerdictView } from './VerdictForm';

function ExportButtons({ id }: { id: string }) {
  const api = useDeskApi();
  const call = useCall();
  const run = async (format: 'pdf' | 'html') => {
    const file = await call.run(() => api.exportExecutionReport({ id, format }));
    if (file) downloadReport(file);
  };
  return (
    <>
      <button type="button" className="primary" onClick={() => void run('pdf')} disabled={call.busy} data-testid="report-export-pdf">
        {call.busy ? 'Rendering…' : 'Export PDF'}
      </button>
      <button type="button" onClick={() => void run('html')} disabled={call.busy}>
        Export HTML
      </button>
      <ErrorLine error={call.error} />
    </>
  );
}

/** An execution's report (the drill report's layout), re-read whenever the execution moves on. */
export function ExecutionReport({ id, version }: { id: string; version: string }) {
  const q = useQuery<DrillReport>((api) => api.getExecutionReport({ id }), `${id}-${version}`);
  if (!q.data) return q.error ? <ErrorLine error={q.error} /> : <div className="empty">Building the report…</div>;
  return (
    <ReportView
      r={q.data}
      actions={<ExportButtons id={id} />}
      verdict={
        <section className="card">
          <header className="card-header">
            <h2>Verdict</h2>
          </header>
          <VerdictView v={q.data.verdict} />
          <p className="muted small">An execution outside a drill carries no tester's verdict; the PDF leaves the lines to sign on paper.</p>
        </section>
      }
    />
  );
}

import type { DrillReport } from '../../../../shared/api/drill-report';
import { useDeskQuery } from '../../../app/use-desk-query';
import { Refusal } from '../../../app/Refusal';
import { ExportButtons } from './ExportButtons';
import { ReportView } from './ReportView';
import { VerdictView } from './VerdictForm';
import { Card } from '../../../components/Card';

/** An execution's report (the drill report's layout), re-read whenever the execution moves on. */
export function ExecutionReport({ id, version }: { id: string; version: string }) {
  const q = useDeskQuery<DrillReport>((api) => api.getExecutionReport({ id }), `${id}-${version}`, []);
  if (!q.data) return q.error ? <Refusal error={q.error} testId="action-error" /> : <div className="empty">Building the report…</div>;
  return (
    <ReportView
      r={q.data}
      actions={<ExportButtons pdfTestId="report-export-pdf" exportReport={(api, format) => api.exportExecutionReport({ id, format })} />}
      verdict={
        <Card title="Verdict">
          <VerdictView v={q.data.verdict} />
          <p className="muted small">An execution outside a drill carries no tester's verdict; the PDF leaves the lines to sign on paper.</p>
        </Card>
      }
    />
  );
}

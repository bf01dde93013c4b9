import { useEffect, useState } from 'react';
import type { DrillReport } from '../../../shared/api/drill-report';
import { useDeskQuery } from '../../app/use-desk-query';
import { Refusal } from '../../app/Refusal';
import { hrefOf } from '../../app/hash-route';
import { ExportButtons } from './report/ExportButtons';
import { ReportView } from './report/ReportView';
import { VerdictForm } from './report/VerdictForm';

/** One drill's report, with the tester's verdict editable and the PDF a click away. */
export function DrillReportPage({ drillId }: { drillId: string }) {
  const q = useDeskQuery(async (api) => ({ report: await api.getDrillReport({ drillId }), me: await api.getIdentity().catch(() => null) }), drillId, []);
  const [saved, setSaved] = useState<DrillReport | null>(null);
  // The drill may still be cleaning up and writing its report: ask again until it has ended.
  const running = q.error?.code === 'DRILL_RUNNING';
  const { reload } = q;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(reload, 1000);
    return () => clearInterval(t);
  }, [running, reload]);
  const r = saved ?? q.data?.report;
  return (
    <div className="drill-report">
      <a href={hrefOf('drills')}>← All drills</a>
      {running ? (
        <div className="empty" data-testid="drill-report-pending">
          The drill is finishing: its report appears here when it has ended.
        </div>
      ) : (
        <Refusal error={q.error} testId="action-error" />
      )}
      {r ? (
        <ReportView r={r} actions={<ExportButtons pdfTestId="drill-export-pdf" exportReport={(api, format) => api.exportDrillReport({ drillId, format })} />} verdict={<VerdictForm r={r} onSaved={setSaved} defaultTester={q.data?.me?.name ?? ''} />} />
      ) : (
        !q.error && <div className="empty">Loading the report…</div>
      )}
    </div>
  );
}

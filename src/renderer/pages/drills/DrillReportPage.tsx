import { useEffect, useState } from 'react';
import type { DrillReport } from '../../../shared/api/drill-report';
import { useDeskApi } from '../../app/desk-context';
import { downloadReport } from '../executions/download';
import { ErrorLine } from '../executions/ErrorLine';
import { hrefOf } from '../executions/sub-route';
import { useCall } from '../executions/use-call';
import { useQuery } from '../executions/use-query';
import { ReportView } from './report/ReportView';
import { VerdictForm } from './report/VerdictForm';

function ExportButtons({ drillId }: { drillId: string }) {
  const api = useDeskApi();
  const call = useCall();
  const run = async (format: 'pdf' | 'html') => {
    const file = await call.run(() => api.exportDrillReport({ drillId, format }));
    if (file) downloadReport(file);
  };
  return (
    <>
      <button type="button" className="primary" onClick={() => void run('pdf')} disabled={call.busy} data-testid="drill-export-pdf">
        {call.busy ? 'Rendering…' : 'Export PDF'}
      </button>
      <button type="button" onClick={() => void run('html')} disabled={call.busy}>
        Export HTML
      </button>
      <ErrorLine error={call.error} />
    </>
  );
}

/** One drill's report, with the tester's verdict editable and the PDF a click away. */
export function DrillReportPage({ drillId }: { drillId: string }) {
  const q = useQuery(async (api) => ({ report: await api.getDrillReport({ drillId }), me: await api.getIdentity().catch(() => null) }), drillId);
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
        <ErrorLine error={q.error} />
      )}
      {r ? (
        <ReportView r={r} actions={<ExportButtons drillId={drillId} />} verdict={<VerdictForm r={r} onSaved={setSaved} defaultTester={q.data?.me?.name ?? ''} />} />
      ) : (
        !q.error && <div className="empty">Loading the report…</div>
      )}
    </div>
  );
}

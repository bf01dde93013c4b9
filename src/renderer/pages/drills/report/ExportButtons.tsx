import type { ReportFile } from '../../../../shared/api/runbooks';
import type { DeskApi } from '../../../../shared/desk-api';
import { useDeskApi } from '../../../app/desk-context';
import { downloadReport } from '../../executions/download';
import { Refusal } from '../../../app/Refusal';
import { useCall } from '../../../app/use-action';

/** Export PDF and Export HTML of one report as the engine renders it, offered as a file download. */
export function ExportButtons({ exportReport, pdfTestId }: { exportReport: (api: DeskApi, format: 'pdf' | 'html') => Promise<ReportFile>; pdfTestId: string }) {
  const api = useDeskApi();
  const call = useCall();
  const run = async (format: 'pdf' | 'html') => {
    const file = await call.run(() => exportReport(api, format));
    if (file) downloadReport(file);
  };
  return (
    <>
      <button type="button" className="primary" onClick={() => void run('pdf')} disabled={call.busy} data-testid={pdfTestId}>
        {call.busy ? 'Rendering…' : 'Export PDF'}
      </button>
      <button type="button" onClick={() => void run('html')} disabled={call.busy}>
        Export HTML
      </button>
      <Refusal error={call.error} testId="action-error" />
    </>
  );
}

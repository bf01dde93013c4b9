import { useState } from 'react';
import { useNow, useOverview } from '../../app/desk-context';
import { DataLossPoint } from '../approvals-common/SitesStatus';
import { ExecutionReport } from '../drills/report/ExecutionReport';
import { Refusal } from '../../app/Refusal';
import { ExecutionActions } from './ExecutionActions';
import { ExecutionHeader } from './ExecutionHeader';
import { StepTable } from './StepTable';
import { hrefOf } from '../../app/hash-route';
import { useExecution } from './use-execution';

/** One execution, live: where it is, each step, and what the operator may do next. */
export function ExecutionDetail({ id }: { id: string }) {
  const now = useNow(1000);
  const { execution: e, error, set } = useExecution(id);
  const [report, setReport] = useState(false);
  const { overview } = useOverview();
  // While an activation runs, the data it keeps is the point DR holds now: said in words, first.
  const live = e && e.runbook === 'dr-activation' && (e.status === 'running' || e.status === 'awaiting-confirmation');
  return (
    <div className="exec-detail" data-testid="execution" data-execution-id={id} data-status={e?.status}>
      <a href={hrefOf('executions')}>← All executions</a>
      <Refusal error={error} testId="execution-error-load" />
      {e ? (
        <>
          <ExecutionHeader e={e} now={now} />
          {live && overview && <DataLossPoint overview={overview} now={now} testId="execution-data-loss" />}
          <ExecutionActions e={e} onChange={set} onShowReport={() => setReport((r) => !r)} />
          <StepTable e={e} now={now} />
          {report && <ExecutionReport id={e.id} version={`${e.status}-${e.currentStep ?? 0}`} />}
        </>
      ) : (
        !error && <div className="empty">Loading…</div>
      )}
    </div>
  );
}

import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { Refusal } from '../../app/Refusal';
import { EXECUTION_LABEL, EXECUTION_LEVEL } from './status';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';

/** Every execution this engine journaled, newest first; a crashed one reads "Interrupted", never "Running". */
export function ExecutionList({ now, limit = 50 }: { now: number; limit?: number }) {
  const q = useDeskQuery((api) => api.listExecutions({ limit }), `executions-${limit}`, ['executionProgress'], { settleMs: 500 });
  return (
    <section className="card" data-testid="execution-list">
      <header className="card-header">
        <h2>Executions</h2>
        <span className="muted small">journaled step by step</span>
      </header>
      <Refusal error={q.error} testId="action-error" />
      <DataTable
        rows={q.data ?? []}
        empty={q.data ? 'No execution yet.' : 'Loading…'}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-testid': `execution-row-${e.id}`, 'data-status': e.status })}
        columns={[
          {
            header: 'Execution',
            cell: (e) => (
              <>
                <a href={`#/executions/${encodeURIComponent(e.id)}`}>{e.title}</a>
                <div className="muted small mono">{e.id}</div>
              </>
            ),
          },
          {
            header: 'State',
            cell: (e) => (
              <>
                <span className={`pill level-${EXECUTION_LEVEL[e.status]}`}>{EXECUTION_LABEL[e.status]}</span>
                {e.currentStep !== null && e.status !== 'succeeded' && <span className="muted small"> at step {e.currentStep}</span>}
                {e.mode === 'drill' && <span className="muted small"> · drill</span>}
              </>
            ),
          },
          { header: 'Started', cellClass: 'mono small', cell: (e) => <Clock iso={e.createdAt} now={now} /> },
          { header: 'Duration', cellClass: 'small', cell: (e) => formatDuration((e.finishedAt ? Date.parse(e.finishedAt) : now) - Date.parse(e.createdAt)) },
          { header: 'By', cellClass: 'small', cell: (e) => e.initiator },
        ]}
      />
    </section>
  );
}

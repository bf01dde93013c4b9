import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { EXECUTION_LABEL, EXECUTION_LEVEL } from './status';
import { Clock } from '../../format/Clock';
import { QueryTable } from '../../components/DataTable';
import { NamedId } from '../../components/NamedId';
import { Card } from '../../components/Card';

/** Every execution this engine journaled, newest first; a crashed one reads "Interrupted", never "Running". */
export function ExecutionList({ now, limit = 50 }: { now: number; limit?: number }) {
  const q = useDeskQuery((api) => api.listExecutions({ limit }), `executions-${limit}`, ['executionProgress'], { settleMs: 500 });
  return (
    <Card title="Executions" testId="execution-list" aside={<span className="muted small">journaled step by step</span>}>
      <QueryTable
        query={q}
        empty="No execution yet."
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-testid': `execution-row-${e.id}`, 'data-status': e.status })}
        columns={[
          {
            header: 'Execution',
            cell: (e) => (
              <NamedId id={e.id}>
                <a href={`#/executions/${encodeURIComponent(e.id)}`}>{e.title}</a>
              </NamedId>
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
    </Card>
  );
}

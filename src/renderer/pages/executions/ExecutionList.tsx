import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { Refusal } from '../../app/Refusal';
import { EXECUTION_LABEL, EXECUTION_LEVEL } from './status';
import { Clock } from '../../format/Clock';

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
      {q.data?.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>Execution</th>
              <th>State</th>
              <th>Started</th>
              <th>Duration</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((e) => (
              <tr key={e.id} data-testid={`execution-row-${e.id}`} data-status={e.status}>
                <td>
                  <a href={`#/executions/${encodeURIComponent(e.id)}`}>{e.title}</a>
                  <div className="muted small mono">{e.id}</div>
                </td>
                <td>
                  <span className={`pill level-${EXECUTION_LEVEL[e.status]}`}>{EXECUTION_LABEL[e.status]}</span>
                  {e.currentStep !== null && e.status !== 'succeeded' && <span className="muted small"> at step {e.currentStep}</span>}
                  {e.mode === 'drill' && <span className="muted small"> · drill</span>}
                </td>
                <td className="mono small"><Clock iso={e.createdAt} now={now} /></td>
                <td className="small">{formatDuration((e.finishedAt ? Date.parse(e.finishedAt) : now) - Date.parse(e.createdAt))}</td>
                <td className="small">{e.initiator}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="empty">{q.data ? 'No execution yet.' : 'Loading…'}</div>
      )}
    </section>
  );
}

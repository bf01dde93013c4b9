import type { DrillRunSummary } from '../../../shared/api/drill-report';
import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { Refusal } from '../../app/Refusal';
import { hrefOf } from '../../app/hash-route';
import { seconds } from './report/report-format';
import { Clock } from '../../format/Clock';

const OUTCOME_LEVEL: Record<DrillRunSummary['outcome'], string> = { passed: 'green', failed: 'red', error: 'red', running: 'yellow' };

/** Every drill run kept on this workstation, newest first, with its measured RTO and RPO. */
export function DrillRuns({ now, version }: { now: number; version: string }) {
  const q = useDeskQuery((api) => api.listDrillRuns({ limit: 100 }), `runs-${version}`, ['drillProgress'], {
    settleMs: 500,
    pollWhile: (runs) => runs.some((d) => d.outcome === 'running'),
  });
  return (
    <section className="card" data-testid="drill-runs">
      <header className="card-header">
        <h2>Past drills</h2>
      </header>
      <Refusal error={q.error} testId="action-error" />
      {q.data?.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>Drill</th>
              <th>Outcome</th>
              <th>Started</th>
              <th>Duration</th>
              <th className="num">RTO</th>
              <th className="num">RPO</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((d) => (
              <tr key={d.drillId} data-testid={`drill-run-${d.drillId}`} data-outcome={d.outcome}>
                <td>
                  {d.outcome === 'running' ? <strong>{d.scenario}</strong> : <a href={hrefOf('drills', d.drillId)}>{d.scenario}</a>}
                  <div className="muted small mono">{d.drillId}</div>
                </td>
                <td>
                  <span className={`pill level-${OUTCOME_LEVEL[d.outcome]}`}>{d.outcome}</span>
                </td>
                <td className="mono small"><Clock iso={d.startedAt} now={now} /></td>
                <td className="small">{d.finishedAt ? formatDuration(Date.parse(d.finishedAt) - Date.parse(d.startedAt)) : '…'}</td>
                <td className="mono small num">{seconds(d.rtoSeconds)}</td>
                <td className="mono small num">
                  {seconds(d.rpoSeconds)}
                  {d.rpoWrites !== null && <div className="muted">{d.rpoWrites} writes</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="empty">{q.data ? 'No drill has run on this workstation yet.' : 'Loading…'}</div>
      )}
    </section>
  );
}

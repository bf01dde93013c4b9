import type { DrillRunSummary } from '../../../shared/api/drill-report';
import { useDeskQuery } from '../../app/use-desk-query';
import { formatDuration } from '../../format/time';
import { hrefOf } from '../../app/hash-route';
import { seconds } from './report/report-format';
import { Clock } from '../../format/Clock';
import { QueryTable } from '../../components/DataTable';
import { NamedId } from '../../components/NamedId';
import { Card } from '../../components/Card';

const OUTCOME_LEVEL: Record<DrillRunSummary['outcome'], string> = { passed: 'green', failed: 'red', error: 'red', running: 'yellow' };

/** Every drill run kept on this workstation, newest first, with its measured RTO and RPO. */
export function DrillRuns({ now, version }: { now: number; version: string }) {
  const q = useDeskQuery((api) => api.listDrillRuns({ limit: 100 }), `runs-${version}`, ['drillProgress'], {
    settleMs: 500,
    pollWhile: (runs) => runs.some((d) => d.outcome === 'running'),
  });
  return (
    <Card title="Past drills" testId="drill-runs">
      <QueryTable
        query={q}
        empty="No drill has run on this workstation yet."
        rowKey={(d) => d.drillId}
        rowProps={(d) => ({ 'data-testid': `drill-run-${d.drillId}`, 'data-outcome': d.outcome })}
        columns={[
          {
            header: 'Drill',
            cell: (d) => <NamedId id={d.drillId}>{d.outcome === 'running' ? <strong>{d.scenario}</strong> : <a href={hrefOf('drills', d.drillId)}>{d.scenario}</a>}</NamedId>,
          },
          { header: 'Outcome', cell: (d) => <span className={`pill level-${OUTCOME_LEVEL[d.outcome]}`}>{d.outcome}</span> },
          { header: 'Started', cellClass: 'mono small', cell: (d) => <Clock iso={d.startedAt} now={now} /> },
          { header: 'Duration', cellClass: 'small', cell: (d) => (d.finishedAt ? formatDuration(Date.parse(d.finishedAt) - Date.parse(d.startedAt)) : '…') },
          { header: 'RTO', headerClass: 'num', cellClass: 'mono small num', cell: (d) => seconds(d.rtoSeconds) },
          {
            header: 'RPO',
            headerClass: 'num',
            cellClass: 'mono small num',
            cell: (d) => (
              <>
                {seconds(d.rpoSeconds)}
                {d.rpoWrites !== null && <div className="muted">{d.rpoWrites} writes</div>}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}

import type { CycleRecord } from '../../../shared/api/backup';
import { formatDuration } from '../../format/time';
import { errorText, formatBytes } from './backup-format';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';
import { Card } from '../../components/Card';

/** The last cycles with their outcome; a failed one shows its error code and message in full. */
export function CycleHistory({ cycles, now }: { cycles: CycleRecord[]; now: number }) {
  return (
    <Card title="Recent cycles" label="Recent cycles" testId="cycle-history">
      <DataTable
        className="table cycles"
        rows={cycles}
        empty="No cycle has run yet."
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-testid': `cycle-${c.id}`, 'data-state': c.state })}
        columns={[
          { header: '#', cellClass: 'mono', cell: (c) => c.id },
          {
            header: 'Kind',
            cell: (c) => (
              <>
                {c.kind} <span className="muted small">{c.trigger}</span>
              </>
            ),
          },
          { header: 'Started', cellClass: 'mono', cell: (c) => <Clock iso={c.startedAt} now={now} /> },
          { header: 'Took', cellClass: 'mono', cell: (c) => formatDuration((c.finishedAt ? Date.parse(c.finishedAt) : now) - Date.parse(c.startedAt)) },
          {
            header: 'Outcome',
            cellClass: 'cycle-outcome',
            cell: (c) => (
              <>
                <span className={`pill level-${c.state === 'ok' ? 'green' : c.state === 'failed' ? 'red' : 'unknown'}`}>{c.state}</span>
                {c.error && <div className="cycle-error">{errorText(c.error)}</div>}
              </>
            ),
          },
          { header: 'Captured / shipped / applied', cellClass: 'mono', cell: (c) => `${c.captured} / ${c.shipped} / ${c.applied}` },
          { header: 'Sent', cellClass: 'mono', cell: (c) => formatBytes(c.bytes) },
        ]}
      />
    </Card>
  );
}

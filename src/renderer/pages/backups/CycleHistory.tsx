import type { CycleRecord } from '../../../shared/api/backup';
import { formatDuration } from '../../format/time';
import { errorText, formatBytes } from './backup-format';
import { Clock } from '../../format/Clock';

/** The last cycles with their outcome; a failed one shows its error code and message in full. */
export function CycleHistory({ cycles, now }: { cycles: CycleRecord[]; now: number }) {
  return (
    <section className="card" aria-label="Recent cycles" data-testid="cycle-history">
      <header className="card-header">
        <h2>Recent cycles</h2>
      </header>
      {cycles.length === 0 ? (
        <div className="empty">No cycle has run yet.</div>
      ) : (
        <table className="table cycles">
          <thead>
            <tr>
              <th>#</th>
              <th>Kind</th>
              <th>Started</th>
              <th>Took</th>
              <th>Outcome</th>
              <th>Captured / shipped / applied</th>
              <th>Sent</th>
            </tr>
          </thead>
          <tbody>
            {cycles.map((c) => (
              <tr key={c.id} data-testid={`cycle-${c.id}`} data-state={c.state}>
                <td className="mono">{c.id}</td>
                <td>
                  {c.kind} <span className="muted small">{c.trigger}</span>
                </td>
                <td className="mono"><Clock iso={c.startedAt} now={now} /></td>
                <td className="mono">{formatDuration((c.finishedAt ? Date.parse(c.finishedAt) : now) - Date.parse(c.startedAt))}</td>
                <td className="cycle-outcome">
                  <span className={`pill level-${c.state === 'ok' ? 'green' : c.state === 'failed' ? 'red' : 'unknown'}`}>{c.state}</span>
                  {c.error && <div className="cycle-error">{errorText(c.error)}</div>}
                </td>
                <td className="mono">
                  {c.captured} / {c.shipped} / {c.applied}
                </td>
                <td className="mono">{formatBytes(c.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

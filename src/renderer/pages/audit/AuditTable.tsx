import type { AuditEntryView } from '../../../shared/api/approvals';

import { Fingerprint } from '../approvals-common/Fingerprint';
import { auditSummary } from './audit-summary';
import { Clock } from '../../format/Clock';

/** The entry's summary in words; the signed details as JSON on demand. */
function Details({ summary, value }: { summary: string | null; value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(value);
  return (
    <details>
      <summary>{summary ?? <code className="details-inline">{text.length > 80 ? `${text.slice(0, 80)}…` : text}</code>}</summary>
      <pre className="details-full">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** Audit entries, newest first, each with its chain hash: who did what, when, to what, and the details. */
export function AuditTable({ entries, now, nameOf }: { entries: AuditEntryView[]; now: number; nameOf: (fingerprint: string) => string | null }) {
  if (!entries.length) return <div className="empty">No entries match.</div>;
  return (
    <table className="table audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Time</th>
          <th>Actor</th>
          <th>Action</th>
          <th>Subject</th>
          <th>Details</th>
          <th>Hash</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq} data-testid={`audit-entry-${e.seq}`} data-action={e.action} className={e.breakGlass ? 'break-glass-row' : undefined}>
            <td className="mono">{e.seq}</td>
            <td className="nowrap"><Clock iso={e.time} now={now} /></td>
            <td>
              <strong>{e.actorName ?? 'unknown key'}</strong> <Fingerprint value={e.actor} />
            </td>
            <td>
              <code>{e.action}</code>
              {e.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
            </td>
            <td className="small subject">
              <code>{e.subject}</code>
            </td>
            <td className="small">
              <Details summary={auditSummary(e, nameOf)} value={e.details} />
            </td>
            <td className="mono small" title={e.hash}>
              {e.hash.slice(0, 12)}…
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

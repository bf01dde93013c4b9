import type { AuditEntryView } from '../../../shared/api/approvals';

import { Fingerprint } from '../approvals-common/Fingerprint';
import { auditSummary } from './audit-summary';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';

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
  return (
    <DataTable
      className="table audit-table"
      testId="audit-table"
      rows={entries}
      empty="No entries match."
      rowKey={(e) => e.seq}
      rowProps={(e) => ({ 'data-testid': `audit-entry-${e.seq}`, 'data-action': e.action, className: e.breakGlass ? 'break-glass-row' : undefined })}
      columns={[
        { header: '#', cellClass: 'mono', cell: (e) => e.seq },
        { header: 'Time', cellClass: 'nowrap', cell: (e) => <Clock iso={e.time} now={now} /> },
        {
          header: 'Actor',
          cell: (e) => (
            <>
              <strong>{e.actorName ?? 'unknown key'}</strong> <Fingerprint value={e.actor} />
            </>
          ),
        },
        {
          header: 'Action',
          cell: (e) => (
            <>
              <DottedName value={e.action} />
              {e.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
            </>
          ),
        },
        { header: 'Subject', cellClass: 'small subject', cell: (e) => <code>{e.subject}</code> },
        { header: 'Details', cellClass: 'small', cell: (e) => <Details summary={auditSummary(e, nameOf)} value={e.details} /> },
        { header: 'Hash', cellClass: 'mono small', cellProps: (e) => ({ title: e.hash }), cell: (e) => `${e.hash.slice(0, 12)}…` },
      ]}
    />
  );
}

/** A dotted action name that wraps only after a dot, never inside a word ("roster.cha|nged"). */
function DottedName({ value }: { value: string }) {
  const parts = value.split('.');
  return (
    <code className="dotted">
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </span>
      ))}
    </code>
  );
}

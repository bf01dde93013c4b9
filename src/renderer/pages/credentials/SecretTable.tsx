import { useState } from 'react';
import type { SecretInfo } from '../../../shared/monitor';
import { formatAgo } from '../../format/time';
import type { SecretRef } from './secret-refs';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';

export interface SecretRow {
  name: string;
  kind: SecretInfo['kind'];
  info: SecretInfo | null;
  usedBy: string[];
}

interface Props {
  rows: SecretRow[];
  now: number;
  onDelete: (name: string) => Promise<void>;
  onSet: (row: SecretRow) => void;
}

export function mergeRows(secrets: SecretInfo[], refs: SecretRef[]): SecretRow[] {
  const rows = new Map<string, SecretRow>(secrets.map((s) => [s.name, { name: s.name, kind: s.kind, info: s, usedBy: [] }]));
  for (const r of refs) {
    const row = rows.get(r.name) ?? { name: r.name, kind: r.kind, info: null, usedBy: [] };
    row.usedBy.push(r.usedBy);
    rows.set(r.name, row);
  }
  return [...rows.values()].sort((a, b) => Number(a.info !== null) - Number(b.info !== null) || a.name.localeCompare(b.name));
}

export function SecretTable({ rows, now, onDelete, onSet }: Props) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <DataTable
      testId="secret-table"
      rows={rows}
      empty="No secrets yet, and the topology refers to none."
      rowKey={(r) => r.name}
      rowProps={(r) => ({ 'data-testid': `secret-${r.name}` })}
      columns={[
        { header: 'Name', cellClass: 'mono', cell: (r) => r.name },
        { header: 'Kind', cell: (r) => r.kind },
        {
          header: 'State',
          cellClass: 'state',
          cell: (r) =>
            r.info ? (
              <span title={r.info.setAt}>
                <span className="tag tag-set">set</span> <Clock iso={r.info.setAt} now={now} /> · {formatAgo(r.info.setAt, now)}
              </span>
            ) : (
              <span className="tag tag-missing">not set</span>
            ),
        },
        { header: 'Used by', cellClass: 'muted', cell: (r) => r.usedBy.join('; ') || '—' },
        {
          label: 'Actions',
          cellClass: 'actions',
          cell: (r) =>
            confirming === r.name ? (
              <span className="confirm" role="alertdialog" aria-label={`Delete ${r.name}?`}>
                Delete from the keychain?{' '}
                <button type="button" className="danger" onClick={() => onDelete(r.name).finally(() => setConfirming(null))}>
                  Delete
                </button>{' '}
                <button type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </span>
            ) : (
              <>
                <button type="button" onClick={() => onSet(r)}>
                  {r.info ? 'Replace…' : 'Set…'}
                </button>{' '}
                {r.info && (
                  <button type="button" onClick={() => setConfirming(r.name)}>
                    Delete…
                  </button>
                )}
              </>
            ),
        },
      ]}
    />
  );
}

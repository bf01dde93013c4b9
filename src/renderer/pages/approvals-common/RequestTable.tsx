import type { RequestSummary } from '../../../shared/api/approvals';

import { Person } from './Fingerprint';
import { hrefOf } from '../../app/hash-route';
import { ACTION_LABEL, expiryText } from './labels';
import { LockIcon, StatePill } from './RequestState';
import { Clock } from '../../format/Clock';
import { DataTable } from '../../components/DataTable';

/** Requests newest first, expired and decided ones included: history never disappears. */
export function RequestTable({ requests, pageId, now, empty }: { requests: RequestSummary[]; pageId: string; now: number; empty: string }) {
  return (
    <DataTable
      className="table request-table"
      testId="request-table"
      rows={requests}
      empty={empty}
      rowKey={(r) => r.id}
      rowProps={(r) => ({ 'data-testid': `request-row-${r.id}`, 'data-state': r.state })}
      columns={[
        { header: 'State', cellClass: 'state', cell: (r) => <><StatePill state={r.state} /> <LockIcon unlocked={r.unlocked} /></> },
        {
          header: 'Action',
          cell: (r) => (
            <>
              <a href={hrefOf(pageId, r.id)}>{ACTION_LABEL[r.action]}</a>
              {r.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
              {r.origin === 'imported' && <span className="muted small"> · imported</span>}
            </>
          ),
        },
        { header: 'Target', cell: (r) => r.target },
        { header: 'Requested by', cell: (r) => <Person person={r.requester} /> },
        { header: 'Created', cellClass: 'nowrap', cell: (r) => <Clock iso={r.createdAt} now={now} /> },
        { header: 'Expires', cellClass: 'nowrap', cell: (r) => expiryText(r.expiresAt, now) },
        { header: 'Decisions', cell: (r) => r.decisions },
      ]}
    />
  );
}

import type { RequestSummary } from '../../../shared/api/approvals';

import { Person } from './Fingerprint';
import { hrefOf } from '../../app/hash-route';
import { ACTION_LABEL, expiryText } from './labels';
import { LockIcon, StatePill } from './RequestState';
import { Clock } from '../../format/Clock';

/** Requests newest first, expired and decided ones included: history never disappears. */
export function RequestTable({ requests, pageId, now, empty }: { requests: RequestSummary[]; pageId: string; now: number; empty: string }) {
  if (!requests.length) return <div className="empty">{empty}</div>;
  return (
    <table className="table request-table" data-testid="request-table">
      <thead>
        <tr>
          <th>State</th>
          <th>Action</th>
          <th>Target</th>
          <th>Requested by</th>
          <th>Created</th>
          <th>Expires</th>
          <th>Decisions</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.id} data-testid={`request-row-${r.id}`} data-state={r.state}>
            <td className="state">
              <StatePill state={r.state} /> <LockIcon unlocked={r.unlocked} />
            </td>
            <td>
              <a href={hrefOf(pageId, r.id)}>{ACTION_LABEL[r.action]}</a>
              {r.breakGlass && <span className="pill level-red break-glass-tag">break-glass</span>}
              {r.origin === 'imported' && <span className="muted small"> · imported</span>}
            </td>
            <td>{r.target}</td>
            <td>
              <Person person={r.requester} />
            </td>
            <td className="nowrap"><Clock iso={r.createdAt} now={now} /></td>
            <td className="nowrap">{expiryText(r.expiresAt, now)}</td>
            <td>{r.decisions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { APPROVAL_ACTIONS, type RosterView } from '../../../shared/api/approvals';
import { formatDuration } from '../../format/time';
import { ACTION_LABEL } from '../approvals-common/labels';

/** The approval policy carried (and signed) in the roster: who must approve each action, and within when. */
export function PolicyTable({ policy }: { policy: RosterView['policy'] }) {
  return (
    <table className="table" data-testid="policy-table">
      <thead>
        <tr>
          <th>Action</th>
          <th>Needs, together</th>
          <th>Longest expiry</th>
          <th>Written reason</th>
        </tr>
      </thead>
      <tbody>
        {APPROVAL_ACTIONS.map((a) => (
          <tr key={a}>
            <td>{ACTION_LABEL[a]}</td>
            <td>{policy[a].requirements.map((r) => `${r.count} approver${r.count === 1 ? '' : 's'} from ${r.group ?? 'any group'}`).join(' AND ')}</td>
            <td>{formatDuration(policy[a].maxExpiryMinutes * 60_000)}</td>
            <td>at least {policy[a].minReasonLength} characters</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useState } from 'react';
import type { DecisionView, ExportedItem } from '../../../shared/api/approvals';
import { useDeskApi } from '../../app/desk-context';
import { useCall } from '../../app/use-action';
import { Refusal } from '../../app/Refusal';
import { Field } from '../../components/form';

/**
 * Approve or deny with a comment. The decision is a signature over the request's digest (and the
 * requester's audit checkpoint); the engine refuses it with a reason when it could not count.
 */
export function DecisionForm({ requestId, onDecided }: { requestId: string; onDecided: (d: { decision: DecisionView; export: ExportedItem }) => void }) {
  const api = useDeskApi();
  const [comment, setComment] = useState('');
  const [checked, setChecked] = useState(false);
  const { busy, error, run } = useCall();
  const decide = async (kind: 'approve' | 'deny') => {
    const input = { id: requestId, comment: comment.trim() };
    const decided = await run(() => (kind === 'approve' ? api.approveRequest(input) : api.denyRequest(input)));
    if (decided) onDecided(decided);
  };
  return (
    <div className="decision-form" data-testid="decision-form">
      <Field
        label={
          <>
            Comment <span className="muted small">(signed with your decision; the requester and the audit log keep it)</span>
          </>
        }
      >
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} maxLength={4000} data-testid="decision-comment" />
      </Field>
      <label className="check">
        <input type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} data-testid="decision-checked" /> I read the plan, the reason and the
        status of both sites above.
      </label>
      <div className="form-actions">
        <button type="button" className="primary" disabled={busy || !checked} onClick={() => decide('approve')} data-testid="approve-button">
          Approve and sign
        </button>
        <button type="button" className="danger" disabled={busy || !comment.trim()} onClick={() => decide('deny')} title="A denial needs a comment saying why" data-testid="deny-button">
          Deny and sign
        </button>
      </div>
      <Refusal error={error} testId="decision-refusal" />
    </div>
  );
}

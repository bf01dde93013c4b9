import type { RequestSummary } from '../../../shared/api/approvals';
import { useDeskApi } from '../../app/desk-context';
import { useDeskQuery } from '../../app/use-desk-query';
import { Refusal } from '../../app/Refusal';
import { useCall } from '../../app/use-action';
import { Clock } from '../../format/Clock';
import { Card } from '../../components/Card';
import { RowTable } from '../../components/DataTable';

const ACTION_TITLE: Record<string, string> = { switchover: 'Switchover', 'dr-activation': 'DR activation', failback: 'Failback', drill: 'Drill', 'break-glass': 'Break-glass' };
const RUNS_A_PLAN = new Set(Object.keys(ACTION_TITLE));

/** Why a locked request may not run yet: each requirement still missing, as the approvals engine words it. */
function MissingRequirements({ id }: { id: string }) {
  const q = useDeskQuery((api) => api.getRequest({ id }), id, ['approvalsChanged'], { settleMs: 500 });
  if (!q.data) return null;
  const v = q.data.verification;
  const missing = v.requirements.filter((r) => !r.met);
  return (
    <ul className="missing-list small" data-testid={`missing-${id}`}>
      {missing.map((r) => (
        <li key={r.label}>{r.message}</li>
      ))}
      {missing.length === 0 && <li>{v.summary}</li>}
    </ul>
  );
}

function RequestRow({ r, onStarted, now }: { r: RequestSummary; onStarted: (executionId: string) => void; now: number }) {
  const api = useDeskApi();
  const call = useCall();
  const start = async () => {
    const e = await call.run(() => api.startExecution({ requestId: r.id }));
    if (e) onStarted(e.id);
  };
  return (
    <tr data-testid={`ready-${r.id}`} data-unlocked={r.unlocked}>
      <td>
        <a href={`#/requests/${encodeURIComponent(r.id)}`}>
          <strong>
            {ACTION_TITLE[r.action] ?? r.action} · {r.target}
          </strong>
        </a>
        <div className="small reason-line">{r.reason}</div>
        <div className="muted small">
          by {r.requester.name ?? r.requester.fingerprint} at <Clock iso={r.createdAt} now={now} /> · {r.decisions} decision{r.decisions === 1 ? '' : 's'} · expires <Clock iso={r.expiresAt} now={now} />
        </div>
      </td>
      <td>
        <span className={r.unlocked ? 'lock-word-small unlocked' : 'lock-word-small locked'}>{r.unlocked ? 'Unlocked' : 'Locked'}</span>
        {!r.unlocked && <MissingRequirements id={r.id} />}
      </td>
      <td className="actions">
        {r.unlocked && (
          <button type="button" className="primary" onClick={start} disabled={call.busy} title="Run the approved plan now" data-testid={`start-${r.id}`}>
            {call.busy ? 'Starting…' : 'Start'}
          </button>
        )}
        <Refusal error={call.error} testId={`start-error-${r.id}`} />
      </td>
    </tr>
  );
}

/** Requests whose plan may run: unlocked ones start; a locked one says which approval is missing. */
export function ReadyToRun({ onStarted, now }: { onStarted: (executionId: string) => void; now: number }) {
  const q = useDeskQuery((api) => api.listRequests({ limit: 100 }), 'requests', ['approvalsChanged'], { settleMs: 500 });
  const rows = (q.data ?? []).filter((r) => RUNS_A_PLAN.has(r.action) && (r.state === 'approved' || r.state === 'pending'));
  return (
    <Card title="Requests to run" testId="ready-to-run" aside={<span className="muted small">Start runs the exact plan the approvers signed</span>}>
      <Refusal error={q.error} testId="action-error" />
      {rows.length ? (
        <RowTable rows={rows} row={(r) => <RequestRow key={r.id} r={r} onStarted={onStarted} now={now} />} />
      ) : (
        <div className="empty">
          {q.data ? 'No approved or pending request. Preview a plan on the ' : 'Loading… '}
          {q.data && <a href="#/runbooks">Runbooks</a>}
          {q.data && ' page and request approval.'}
        </div>
      )}
    </Card>
  );
}

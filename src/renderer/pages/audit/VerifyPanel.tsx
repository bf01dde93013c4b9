import { useState } from 'react';
import type { AuditVerifyReport } from '../../../shared/api/approvals';
import { useDeskApi } from '../../app/desk-context';
import { useCall } from '../../app/use-action';
import { Refusal } from '../../app/Refusal';
import { Card } from '../../components/Card';

function Result({ report: r }: { report: AuditVerifyReport }) {
  if (r.ok)
    return (
      <div className="banner banner-green" role="status" data-testid="verify-result" data-ok="true">
        <strong>Intact.</strong> {r.entries.toLocaleString()} entries and {r.checkpoints} checkpoints ({r.coSignedCheckpoints} co-signed by approvers on other machines);{' '}
        {r.signaturesVerified.toLocaleString()} signatures verified ({r.mode === 'full' ? 'every signature' : 'chain mode'}) in {r.durationMs} ms. Head{' '}
        <code title={r.head}>{r.head.slice(0, 16)}…</code>
      </div>
    );
  const first = r.firstProblem;
  return (
    <div className="banner banner-red" role="alert" data-testid="verify-result" data-ok="false">
      <strong>Tampered.</strong>{' '}
      {first && (
        <>
          Entry #{first.seq}: <strong>{first.kind}</strong> (<code>{first.code}</code>) — {first.message}
        </>
      )}
      {r.problems.length > 1 && (
        <ul className="small">
          {r.problems.slice(1, 20).map((p, i) => (
            <li key={`${p.seq}-${i}`}>
              #{p.seq} {p.kind} (<code>{p.code}</code>): {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Re-checks the whole log on demand: the hash chain, checkpoints and signatures (all of them in full mode). */
export function VerifyPanel() {
  const api = useDeskApi();
  const [report, setReport] = useState<AuditVerifyReport | null>(null);
  const call = useCall();
  const busy = call.busy;
  const run = async (full: boolean) => {
    const checked = await call.run(() => api.verifyAudit({ full }));
    if (checked) setReport(checked);
  };
  return (
    <Card
      title="Verify the log"
      testId="verify-panel"
      aside={
        <div className="form-actions">
          <button type="button" className="primary" onClick={() => run(false)} disabled={busy} data-testid="verify-button">
            {busy ? 'Verifying…' : 'Verify'}
          </button>
          <button type="button" onClick={() => run(true)} disabled={busy}>
            Verify every signature
          </button>
        </div>
      }
    >
      {report ? <Result report={report} /> : <p className="muted small">Detects an edited, deleted, inserted or reordered entry and names it.</p>}
      <Refusal error={call.error} />
    </Card>
  );
}

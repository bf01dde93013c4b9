import { useState } from 'react';
import type { AuditVerifyReport } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { Refusal } from '../../app/Refusal';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const run = async (full: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.verifyAudit({ full }));
    } catch (err) {
      setError(toDeskError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" data-testid="verify-panel">
      <header className="card-header">
        <h2>Verify the log</h2>
        <div className="form-actions">
          <button type="button" className="primary" onClick={() => run(false)} disabled={busy} data-testid="verify-button">
            {busy ? 'Verifying…' : 'Verify'}
          </button>
          <button type="button" onClick={() => run(true)} disabled={busy}>
            Verify every signature
          </button>
        </div>
      </header>
      {report ? <Result report={report} /> : <p className="muted small">Detects an edited, deleted, inserted or reordered entry and names it.</p>}
      <Refusal error={error} />
    </section>
  );
}

import { useState } from 'react';
import type { DrillScenarioInfo } from '../../../shared/api/drill-report';
import { useDeskApi } from '../../app/desk-context';
import { useDeskQuery } from '../../app/use-desk-query';
import { Refusal } from '../../app/Refusal';
import { useCall } from '../../app/use-action';
import { RUNBOOK_LABEL } from '../runbooks/plan-text';
import { Card } from '../../components/Card';

function Scenario({ s, tester, busy, onStarted }: { s: DrillScenarioInfo; tester: string; busy: boolean; onStarted: (drillId: string, scenario: string) => void }) {
  const api = useDeskApi();
  const call = useCall();
  const run = async () => {
    const r = await call.run(() => api.runDrill({ scenario: s.name, ...(tester.trim() ? { tester: tester.trim() } : {}) }));
    if (r) onStarted(r.drillId, s.name);
  };
  return (
    <li className="scenario" data-testid={`scenario-${s.name}`}>
      <div className="scenario-head">
        <strong>{s.title}</strong>
        <span className="kind-word">{s.runbook ? RUNBOOK_LABEL[s.runbook] : 'no runbook'}</span>
      </div>
      <p className="small">{s.description}</p>
      <p className="small muted">Passes when: {s.expectation}</p>
      <div className="form-actions">
        <button type="button" className="primary" onClick={run} disabled={call.busy || busy} data-testid={`run-${s.name}`}>
          {call.busy ? 'Starting…' : 'Run on the sandbox'}
        </button>
      </div>
      <Refusal error={call.error} testId={`run-error-${s.name}`} />
    </li>
  );
}

/** The drill scenarios; each runs on a fresh sandbox of its own, with two local test identities approving. */
export function ScenarioList({ busy, onStarted, defaultTester }: { busy: boolean; onStarted: (drillId: string, scenario: string) => void; defaultTester: string }) {
  const q = useDeskQuery((api) => api.listDrills(), 'drills', []);
  const [tester, setTester] = useState<string | null>(null);
  const who = tester ?? defaultTester;
  return (
    <Card
      title="Scenarios"
      testId="scenarios"
      aside={
        <label className="inline-label small">
          Tester{' '}
          <input value={who} onChange={(e) => setTester(e.target.value)} maxLength={80} placeholder="your name" data-testid="drill-tester" />
        </label>
      }
    >
      <Refusal error={q.error} testId="action-error" />
      {busy && <p className="muted small">A drill is running: the next one starts once it has finished and cleaned up.</p>}
      {q.data ? (
        <ul className="scenario-list">
          {q.data.map((s) => (
            <Scenario key={s.name} s={s} tester={who} busy={busy} onStarted={onStarted} />
          ))}
        </ul>
      ) : (
        !q.error && <div className="empty">Loading…</div>
      )}
    </Card>
  );
}

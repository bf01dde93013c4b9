import { useState } from 'react';
import { useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { useSubPath } from '../../app/hash-route';
import { DrillLive } from './DrillLive';
import { DrillReportPage } from './DrillReportPage';
import { DrillRuns } from './DrillRuns';
import { ScenarioList } from './ScenarioList';
import '../executions/executions.css';
import './drills.css';

interface Active {
  drillId: string;
  scenario: string;
  startedAt: number;
}

function DrillsHome() {
  const now = useNow(5000);
  const [started, setStarted] = useState<Active | null>(null);
  const q = useDeskQuery(async (api) => ({ runs: await api.listDrillRuns({ limit: 20 }), me: await api.getIdentity().catch(() => null) }), 'home', ['drillProgress'], {
    settleMs: 500,
    pollWhile: (d) => d.runs.some((r) => r.outcome === 'running'),
  });
  const running = q.data?.runs.find((r) => r.outcome === 'running');
  const active = started ?? (running ? { drillId: running.drillId, scenario: running.scenario, startedAt: Date.parse(running.startedAt) } : null);
  const mine = started ? q.data?.runs.find((r) => r.drillId === started.drillId) : undefined;
  // One drill at a time: each starts a sandbox of its own, and two would measure each other's load.
  const busy = Boolean(running) || (started !== null && (!mine || mine.outcome === 'running'));
  return (
    <>
      {active && <DrillLive key={active.drillId} drillId={active.drillId} scenario={active.scenario} startedAt={active.startedAt} />}
      <div className="drills-grid">
        <ScenarioList busy={busy} defaultTester={q.data?.me?.name ?? ''} onStarted={(drillId, scenario) => setStarted({ drillId, scenario, startedAt: Date.now() })} />
        <DrillRuns now={now} version={started?.drillId ?? ''} />
      </div>
    </>
  );
}

function DrillsPage() {
  const [drillId] = useSubPath();
  return (
    <div className="runbook-pages">
      <header className="page-header">
        <h1>{drillId ? 'Drill report' : 'Drills'}</h1>
        <p className="muted">Practise recovery on the built-in sandbox: measured RTO and RPO against the targets, verified cleanup, a report to sign.</p>
      </header>
      {drillId ? <DrillReportPage key={drillId} drillId={drillId} /> : <DrillsHome />}
    </div>
  );
}

export const page: PageDefinition = { id: 'drills', title: 'Drills', group: 'Evidence', order: 2, Component: DrillsPage };

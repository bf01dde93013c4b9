import { useState } from 'react';
import { useNow, useOverview } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { MemberDetails } from './MemberDetails';
import { SiteDiagram } from './SiteDiagram';
import { StatusPanel } from './StatusPanel';

function OverviewPage() {
  const { overview } = useOverview();
  const now = useNow();
  const [selected, setSelected] = useState<string | null>(null);
  if (!overview) return <div className="empty">Waiting for the first poll…</div>;
  const found = overview.sites.flatMap((s) => s.replicaSets.flatMap((rs) => rs.members.filter((m) => m.name === selected).map((m) => ({ m, s, rs }))))[0];
  return (
    <div className="overview">
      <div className="overview-main">
        <header className="page-header">
          <h1>Overview</h1>
          <p className="muted">Click a member for its details.</p>
        </header>
        <div className="card diagram-card">
          <SiteDiagram overview={overview} now={now} selected={found ? selected : null} onSelect={(n) => setSelected(n === selected ? null : n)} />
          <div className="legend-strip" aria-label="Diagram legend">
            <span>P primary · S secondary · A arbiter · ✕ not reachable</span>
            <span>solid arrow: replication from the sync source</span>
            <span>dotted arc: heartbeat</span>
            <span>dashed arrow: cross-site backup</span>
          </div>
        </div>
      </div>
      <aside className="overview-side">
        <StatusPanel overview={overview} now={now} />
        {found && <MemberDetails member={found.m} siteName={found.s.name} replicaSet={found.rs.name} now={now} lastKnown={!found.s.reachable} peers={found.rs.members} onClose={() => setSelected(null)} />}
      </aside>
    </div>
  );
}

export const page: PageDefinition = { id: 'overview', title: 'Overview', group: 'Monitor', order: 1, Component: OverviewPage };

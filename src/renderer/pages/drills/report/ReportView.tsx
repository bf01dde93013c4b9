import type { ReactNode } from 'react';
import type { DrillReport } from '../../../../shared/api/drill-report';
import { AuditCheckpoint } from './AuditCheckpoint';
import { Objectives } from './Objectives';
import { Outcomes } from './Outcomes';
import { ReportApprovals } from './ReportApprovals';
import { ReportChart } from './ReportChart';
import { ReportSteps } from './ReportSteps';
import { OUTCOME_LEVEL, millis, utc } from './report-format';
import { Fact } from '../../../components/Fact';

function Summary({ r, actions }: { r: DrillReport; actions: ReactNode }) {
  return (
    <section className={`card report-summary level-${OUTCOME_LEVEL[r.outcome]}`} data-testid="report-summary" data-outcome={r.outcome}>
      <div className="report-top">
        <div>
          <div className="muted small">{r.operation}</div>
          <h2 className="report-title">{r.scenario.title}</h2>
        </div>
        <div className="report-outcome">
          <span className="outcome-word">{r.outcome.toUpperCase()}</span>
          <span className="muted small">{millis(r.durationMs)}</span>
        </div>
      </div>
      <dl className="fields report-fields">
        <Fact label="Scenario">
          <strong>{r.scenario.name}</strong> — {r.scenario.description}
        </Fact>
        <Fact label="Expected">{r.scenario.expectation}</Fact>
        <Fact label="Topology">
          {r.topology.name}: {r.topology.sites.map((s) => `${s.name} (${s.role}, ${s.replicaSets.map((rs) => `${rs.name} × ${rs.members.length}`).join(', ')})`).join(' · ')}
        </Fact>
        <Fact label="Initiator" testId="report-initiator">{r.initiator}</Fact>
        <Fact label="Started → finished">
          {utc(r.startedAt)} → {utc(r.finishedAt)}
        </Fact>
        <Fact label="Report" className="mono small">
          {r.id} · generated {utc(r.generatedAt)}
        </Fact>
      </dl>
      <div className="action-row">{actions}</div>
    </section>
  );
}

/**
 * The report model rendered for the screen, section by section as in the PDF: outcome, RTO/RPO against the
 * targets, approvals, chart, steps (and those that did not run), problems, cleanup, verdict, checkpoint.
 */
export function ReportView({ r, actions, verdict }: { r: DrillReport; actions: ReactNode; verdict: ReactNode }) {
  return (
    <div className="report" data-testid="report" data-report-id={r.id}>
      <Summary r={r} actions={actions} />
      <Objectives r={r} />
      <ReportApprovals r={r} />
      {r.chart.length > 0 && <ReportChart r={r} />}
      <ReportSteps r={r} />
      <Outcomes r={r} />
      {verdict}
      <AuditCheckpoint audit={r.audit} />
    </div>
  );
}

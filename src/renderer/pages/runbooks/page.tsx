import { useState } from 'react';
import type { RunbookId } from '../../../shared/api/runbook-plan';
import type { Overview } from '../../../shared/monitor';
import { useNow, useOverview } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { useDeskQuery } from '../../app/use-desk-query';
import { Refusal } from '../../app/Refusal';
import { Field } from '../../components/form';
import { SiteSelect } from '../../components/SiteSelect';
import { ExecutionList } from '../executions/ExecutionList';
import { hrefOf, useSubPath } from '../../app/hash-route';
import { planNotes } from './plan-notes';
import { PlanTable } from './PlanTable';
import { RequestApproval } from './RequestApproval';
import { usePlanPreview } from './use-plan-preview';
import '../executions/executions.css';
import './runbooks.css';
import { Card } from '../../components/Card';

/** The primary a switchover on this site starts from, as this workstation sees it now. */
function primaryOf(overview: Overview | null, site: string | null): string | null {
  return overview?.sites.find((s) => s.name === site)?.replicaSets[0]?.primary ?? null;
}

function PlanCard({ runbook }: { runbook: RunbookId }) {
  const { overview } = useOverview();
  const [site, setSite] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const switchSite = runbook === 'switchover' ? (site ?? overview?.sites.find((s) => s.role === 'dc')?.name ?? null) : null;
  const preview = usePlanPreview(runbook, switchSite, runbook === 'switchover' ? primaryOf(overview, switchSite) : null, version);
  return (
    <Card
      title="Plan preview"
      testId="plan-card"
      aside={
        <div className="form-actions">
          {runbook === 'switchover' && overview && (
            <Field label="Site " className="inline-label small">
              <SiteSelect sites={overview.sites} value={switchSite} onChange={setSite} />
            </Field>
          )}
          <button type="button" onClick={() => setVersion((v) => v + 1)} disabled={preview.loading}>
            {preview.loading ? 'Building…' : 'Rebuild'}
          </button>
        </div>
      }
    >
      <p className="muted small">Exactly what the approvers sign and the executor runs: every target and command is written out.</p>
      <Refusal error={preview.error} testId="preview-error" />
      {preview.plan && preview.digest && (
        <>
          <PlanTable plan={preview.plan} digest={preview.digest} notes={planNotes(preview.plan, overview)} />
          <h3 className="subhead">Request approval</h3>
          <RequestApproval plan={preview.plan} />
        </>
      )}
      {!preview.plan && preview.loading && <div className="empty">Building the plan…</div>}
    </Card>
  );
}

function RunbooksPage() {
  const [sub] = useSubPath();
  const now = useNow(5000);
  const q = useDeskQuery((api) => api.listRunbooks(), 'runbooks', []);
  const selected = (q.data?.find((r) => r.id === sub) ?? q.data?.find((r) => r.id === 'dr-activation') ?? q.data?.[0])?.id ?? null;
  return (
    <div className="runbook-pages">
      <header className="page-header">
        <h1>Runbooks</h1>
        <p className="muted">Built-in procedures as data: preview the exact plan, request approval, then start it from Executions once the policy is met.</p>
      </header>
      <Refusal error={q.error} testId="action-error" />
      <ul className="runbook-cards" aria-label="Runbooks">
        {q.data?.map((r) => (
          <li key={r.id}>
            <a href={hrefOf('runbooks', r.id)} className={r.id === selected ? 'runbook-card selected' : 'runbook-card'} aria-current={r.id === selected ? 'true' : undefined} data-testid={`runbook-${r.id}`}>
              <strong>{r.title}</strong>
              <span className="small muted">{r.summary}</span>
            </a>
          </li>
        ))}
      </ul>
      {selected && <PlanCard key={selected} runbook={selected} />}
      <ExecutionList now={now} limit={10} />
    </div>
  );
}

export const page: PageDefinition = { id: 'runbooks', title: 'Runbooks', group: 'Operate', order: 2, Component: RunbooksPage };

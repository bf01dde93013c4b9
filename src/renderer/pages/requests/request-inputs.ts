import type { ApprovalAction } from '../../../shared/api/approvals';
import type { Plan, RunbookId } from '../../../shared/api/runbook-plan';
import type { Overview } from '../../../shared/monitor';

export const RUNBOOK_IDS: RunbookId[] = ['switchover', 'dr-activation', 'failback'];

export interface RequestInputs {
  action: ApprovalAction;
  /** The runbook a drill or break-glass request runs; the others run the runbook of their own name. */
  runbook: RunbookId;
  /** The site whose replica set switches over (switchover only). */
  site: string | null;
  target: string;
  targetEdited: boolean;
  reason: string;
  minutes: number;
}

export function runbookOf(i: Pick<RequestInputs, 'action' | 'runbook'>): RunbookId {
  return (RUNBOOK_IDS as string[]).includes(i.action) ? (i.action as RunbookId) : i.runbook;
}

/** The primary of the site's first replica set as this machine sees it: a switchover plan starts from it. */
export function observedPrimary(overview: Overview | null, site: string | null): string | null {
  const s = overview?.sites.find((x) => x.name === site) ?? overview?.sites.find((x) => x.role === 'dc');
  return s?.replicaSets[0]?.primary ?? null;
}

/** What a plan acts on, in words: "DC → DR" for a site move, "DC / rs-dc" for a switchover. */
export function targetOfPlan(plan: Plan): string {
  const { from, to } = plan.params;
  if (typeof from === 'string' && typeof to === 'string') return `${from} → ${to}`;
  const t = plan.steps[0]?.target;
  return t ? [t.site, t.replicaSet].filter(Boolean).join(' / ') : plan.title;
}

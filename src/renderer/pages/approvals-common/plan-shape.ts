import type { Plan, Step, StepTarget } from '../../../shared/api/runbook-plan';

/** A request's plan is opaque JSON to the approvals engine; the runbook engine's plans have this shape. */
export function asRunbookPlan(plan: unknown): Plan | null {
  if (!plan || typeof plan !== 'object') return null;
  const p = plan as Partial<Plan>;
  return p.schema === 'drdesk.plan/1' && Array.isArray(p.steps) ? (p as Plan) : null;
}

export function targetText(t: StepTarget): string {
  return [t.site, t.replicaSet, t.member, t.host].filter((x): x is string => Boolean(x)).join(' · ');
}

export function stepsWithOp(plan: Plan, op: Step['operation']['op']): Step[] {
  return plan.steps.filter((s) => s.operation.op === op);
}

/** The sites a plan makes serve writes (its promote steps). */
export function promotedSites(plan: Plan): string[] {
  return [...new Set(stepsWithOp(plan, 'mongo.promote').map((s) => s.target.site))];
}

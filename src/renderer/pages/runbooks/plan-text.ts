import type { RunbookId, Step, StepTarget } from '../../../shared/api/runbook-plan';

export const RUNBOOK_LABEL: Record<RunbookId, string> = { switchover: 'Local switchover', 'dr-activation': 'DR activation', failback: 'Failback' };

/** "DR · rs-dr · dr-1": where a step acts, most general first. */
export function targetText(t: StepTarget): string {
  return [t.site, t.replicaSet, t.member, t.host].filter((x): x is string => Boolean(x)).join(' · ');
}

/** What a manual-confirmation step asks the person, or its title for any other step. */
export function stepPrompt(step: Step): string {
  return step.operation.op === 'manual.confirm' ? step.operation.prompt : step.title;
}

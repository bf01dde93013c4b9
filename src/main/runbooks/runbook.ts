import type { Compensation, Operation, Step, StepKind, StepTarget } from '../../shared/api/runbook-plan';
import { describeOperation } from './describe';

export * from '../../shared/api/runbook-plan';

/** Builds a step with the defaults every built-in runbook uses, numbering done by the caller. */
export function step(
  id: string,
  kind: StepKind,
  title: string,
  target: Partial<StepTarget> & { site: string },
  operation: Operation,
  opts: { timeoutMs: number; retries?: number; retryDelayMs?: number; idempotent: boolean; compensation?: Compensation | null },
): Omit<Step, 'n'> {
  return {
    id,
    kind,
    title,
    target: { site: target.site, replicaSet: target.replicaSet ?? null, member: target.member ?? null, host: target.host ?? null },
    operation,
    command: describeOperation(operation),
    timeoutMs: opts.timeoutMs,
    retries: opts.retries ?? 0,
    retryDelayMs: opts.retryDelayMs ?? 0,
    idempotent: opts.idempotent,
    compensation: opts.compensation ?? null,
  };
}

export function numberSteps(steps: Array<Omit<Step, 'n'>>): Step[] {
  return steps.map((s, i) => ({ n: i + 1, ...s }));
}

import type { ExecutionSummary, ExecutionView, StepRunView, StepView } from '../../shared/api/runbooks';
import type { ExecutionRow, StepRunRow } from './journal';

function runView(r: StepRunRow): StepRunView {
  return {
    attempt: r.attempt,
    phase: r.phase,
    status: r.status === 'started' ? 'running' : r.status,
    startedAt: r.startedAt,
    deadlineAt: r.deadlineAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    output: r.output,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    confirmedBy: r.confirmedBy,
  };
}

export function summaryOf(e: ExecutionRow): ExecutionSummary {
  return {
    id: e.id,
    requestId: e.requestId,
    runbook: e.plan.runbook,
    title: e.title,
    status: e.status,
    currentStep: e.currentStep,
    initiator: e.initiator,
    mode: e.mode,
    createdAt: e.createdAt,
    finishedAt: e.finishedAt,
  };
}

/** Steps whose latest run succeeded: resume never runs them again. */
export function completedSteps(runs: StepRunRow[]): Set<number> {
  const latest = new Map<number, StepRunRow>();
  for (const r of runs) if (r.phase === 'run') latest.set(r.stepN, r);
  return new Set([...latest.values()].filter((r) => r.status === 'succeeded').map((r) => r.stepN));
}

export function stepViews(e: ExecutionRow, runs: StepRunRow[]): StepView[] {
  return e.plan.steps.map((s) => {
    const attempts = runs.filter((r) => r.stepN === s.n && r.phase === 'run').map(runView);
    const comp = runs.filter((r) => r.stepN === s.n && r.phase === 'compensate').map(runView);
    const last = attempts.at(-1);
    return {
      n: s.n,
      id: s.id,
      kind: s.kind,
      title: s.title,
      target: s.target,
      idempotent: s.idempotent,
      command: s.command,
      hasCompensation: s.compensation !== null,
      status: last ? last.status : 'pending',
      attempts,
      compensation: comp.at(-1) ?? null,
      startedAt: attempts[0]?.startedAt ?? null,
      finishedAt: last?.finishedAt ?? null,
      durationMs: last?.finishedAt ? Date.parse(last.finishedAt) - Date.parse(attempts[0].startedAt) : null,
      error: last?.errorCode ? { code: last.errorCode, message: last.errorMessage ?? '' } : null,
    };
  });
}

/** The first step that has not succeeded, and whether it had started (so may have partly run). */
export function resumePoint(e: ExecutionRow, runs: StepRunRow[]): { n: number; started: boolean; idempotent: boolean } | null {
  const done = completedSteps(runs);
  const next = e.plan.steps.find((s) => !done.has(s.n));
  if (!next) return null;
  return { n: next.n, started: runs.some((r) => r.stepN === next.n && r.phase === 'run'), idempotent: next.idempotent };
}

export function executionView(e: ExecutionRow, runs: StepRunRow[]): ExecutionView {
  const steps = stepViews(e, runs);
  const resumable = e.status === 'interrupted' || e.status === 'failed';
  const point = resumable ? resumePoint(e, runs) : null;
  return {
    ...summaryOf(e),
    planDigest: e.planDigest,
    plan: e.plan,
    interruptedAtStep: e.status === 'interrupted' ? e.currentStep : null,
    error: e.errorCode ? { code: e.errorCode, message: e.errorMessage ?? '' } : null,
    breakGlass: e.breakGlass,
    steps,
    resumable: resumable && point !== null,
    confirmationNeededFor: point && point.started && !point.idempotent ? point.n : null,
    awaitingStep: e.status === 'awaiting-confirmation' ? e.currentStep : null,
  };
}

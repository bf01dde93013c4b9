import type { ExecutionStatus, StepView } from '../../../shared/api/runbooks';
import type { Level } from '../../../shared/status';

export const EXECUTION_LABEL: Record<ExecutionStatus, string> = {
  running: 'Running',
  'awaiting-confirmation': 'Waiting for a confirmation',
  succeeded: 'Succeeded',
  failed: 'Failed',
  interrupted: 'Interrupted',
  aborting: 'Aborting',
  aborted: 'Aborted',
  'abort-failed': 'Abort incomplete',
};

/** "accent": under way and fine so far (blue); yellow is kept for what waits on a person or winds down. */
export const EXECUTION_LEVEL: Record<ExecutionStatus, Level | 'accent'> = {
  running: 'accent',
  'awaiting-confirmation': 'yellow',
  succeeded: 'green',
  failed: 'red',
  interrupted: 'red',
  aborting: 'yellow',
  aborted: 'unknown',
  'abort-failed': 'red',
};

/** The states a step is shown in: the engine's own, plus "compensated" and "skipped" derived from the run. */
export type StepDisplay = 'pending' | 'running' | 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'cancelled' | 'compensated' | 'compensation-failed' | 'skipped';

export const STEP_LABEL: Record<StepDisplay, string> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  'timed-out': 'Timed out',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
  compensated: 'Compensated',
  'compensation-failed': 'Compensation failed',
  skipped: 'Not run',
};

export const STEP_LEVEL: Record<StepDisplay, Level | 'accent'> = {
  pending: 'unknown',
  running: 'accent',
  succeeded: 'green',
  failed: 'red',
  'timed-out': 'red',
  interrupted: 'red',
  cancelled: 'unknown',
  compensated: 'yellow',
  'compensation-failed': 'red',
  skipped: 'unknown',
};

const FINISHED: ReadonlySet<ExecutionStatus> = new Set(['succeeded', 'aborted', 'abort-failed']);

export function isFinished(status: ExecutionStatus): boolean {
  return FINISHED.has(status);
}

/** Still moving in this engine: progress events will keep arriving. */
export function isActive(status: ExecutionStatus): boolean {
  return status === 'running' || status === 'awaiting-confirmation' || status === 'aborting';
}

/** How one step reads in the table: a compensation that ran wins, a step never started in a finished run was skipped. */
export function stepDisplay(step: StepView, status: ExecutionStatus): StepDisplay {
  if (step.compensation) {
    if (step.compensation.status === 'succeeded') return 'compensated';
    if (step.compensation.status !== 'running') return 'compensation-failed';
  }
  if (step.status === 'pending' && isFinished(status)) return 'skipped';
  return step.status;
}

/** The run of a step in progress now (its last attempt or the compensation under way). */
export function liveRun(step: StepView) {
  if (step.compensation?.status === 'running') return step.compensation;
  const last = step.attempts.at(-1);
  return last?.status === 'running' ? last : null;
}

import { sleep } from '../../connectors/deadline';
import type { OperationKind, OperationOf, Step } from '../runbook';

/** What a step's handler gets: its deadline as an AbortSignal, and a log that ends up in the journal. */
export interface StepContext {
  executionId: string;
  step: Step;
  attempt: number;
  signal: AbortSignal;
  /** Epoch ms at which the executor gives up on this attempt. */
  deadline: number;
  /** A break-glass override signed by two approvers, when the request was one. */
  breakGlass: { reason: string; approvers: string[] } | null;
  log(line: string): void;
}

export interface StepOutcome {
  /** One line for the step table. */
  summary: string;
  data?: Record<string, unknown>;
}

export type OperationHandler<K extends OperationKind> = (op: OperationOf<K>, ctx: StepContext) => Promise<StepOutcome>;

/** One handler per operation kind; tests inject fakes, the desk wires the real ones (mongo, ssh, http, backup…). */
export type OperationHandlers = { [K in OperationKind]?: OperationHandler<K> };

/** Polls `check` until it returns a value (not undefined) or the signal fires; the last reason is kept for the error. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, pollMs: number, signal: AbortSignal, onMiss?: (reason: string) => void): Promise<T> {
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      onMiss?.((err as Error).message);
    }
    await sleep(pollMs, signal);
  }
}

import type { DrillReport, DrillRunSummary, DrillScenarioInfo, DrillVerdict } from './drill-report';
import type { Plan, RunbookId, StepKind, StepTarget } from './runbook-plan';

/** Runbooks, executions and drills: what the Runbooks, Execution and Drill pages use. */

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'cancelled';

export type ExecutionStatus = 'running' | 'awaiting-confirmation' | 'succeeded' | 'failed' | 'interrupted' | 'aborting' | 'aborted' | 'abort-failed';

export interface StepRunView {
  attempt: number;
  phase: 'run' | 'compensate';
  status: Exclude<StepStatus, 'pending'>;
  startedAt: string;
  deadlineAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  output: string;
  errorCode: string | null;
  errorMessage: string | null;
  confirmedBy: string | null;
}

export interface StepView {
  n: number;
  id: string;
  kind: StepKind;
  title: string;
  target: StepTarget;
  idempotent: boolean;
  /** The exact command or operation, rendered for people (remote commands shown quoted as they are sent). */
  command: string;
  hasCompensation: boolean;
  status: StepStatus;
  attempts: StepRunView[];
  compensation: StepRunView | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: { code: string; message: string } | null;
}

export interface ExecutionSummary {
  id: string;
  requestId: string | null;
  runbook: RunbookId;
  title: string;
  status: ExecutionStatus;
  currentStep: number | null;
  initiator: string;
  mode: 'execute' | 'drill';
  createdAt: string;
  finishedAt: string | null;
}

export interface ExecutionView extends ExecutionSummary {
  planDigest: string;
  plan: Plan;
  /** "interrupted at step N": the step that was in flight when the engine stopped. */
  interruptedAtStep: number | null;
  error: { code: string; message: string } | null;
  breakGlass: { reason: string; approvers: string[] } | null;
  steps: StepView[];
  /** Resume is possible (interrupted or failed); a non-idempotent step that had started needs a confirmation. */
  resumable: boolean;
  confirmationNeededFor: number | null;
  /** A manual-confirmation step waiting for a person. */
  awaitingStep: number | null;
}

export interface ExecutionProgress {
  executionId: string;
  status: ExecutionStatus;
  currentStep: number | null;
  step: StepView | null;
  at: string;
}

export interface DrillProgress {
  drillId: string;
  scenario: string;
  phase: 'setup' | 'approvals' | 'fault' | 'execution' | 'measure' | 'cleanup' | 'report' | 'done' | 'failed';
  message: string;
  at: string;
}

export interface ReportFile {
  fileName: string;
  mime: 'application/pdf' | 'text/html';
  base64: string;
}

/** One execution as the replica sets' execution ledgers record it (the record every workstation shares). */
export interface LedgerExecution {
  requestId: string;
  executionId: string;
  by: string;
  /** "hostname:data directory" of the workstation that claimed it. */
  workstation: string;
  startedAt: string;
  /** null while no ledger that answered has its outcome (still running, or finished while that ledger was down). */
  finishedAt: string | null;
  outcome: string | null;
  /** Every ledger that holds it, e.g. ['DC (rs-dc)', 'DR (rs-dr)']. */
  sites: string[];
}

export interface LedgerExecutions {
  entries: LedgerExecution[];
  /** Every replica set ledger of the topology; one that did not answer says why. */
  ledgers: Array<{ site: string; answered: boolean; why?: string }>;
}

export interface LedgerExecutionsView extends LedgerExecutions {
  /** `local`: this workstation's journal knows the execution (false: run on another workstation, or this one's data directory was replaced). */
  entries: Array<LedgerExecution & { local: boolean }>;
}

export interface RunbookMethods {
  listRunbooks: { in: void; out: Array<{ id: RunbookId; title: string; summary: string }> };
  /** The plan exactly as it would be requested and approved, with its digest. */
  previewPlan: { in: { runbook: RunbookId; currentPrimary?: string; site?: string }; out: { plan: Plan; digest: string } };
  /** Runs the plan of an approved request; refused until the request's policy is met. */
  startExecution: { in: { requestId: string }; out: ExecutionView };
  listExecutions: { in: { limit?: number } | void; out: ExecutionSummary[] };
  /** The executions the replica sets' ledgers record (every workstation's), newest first, each marked whether this journal knows it. */
  listLedgerExecutions: { in: { limit?: number } | void; out: LedgerExecutionsView };
  getExecution: { in: { id: string }; out: ExecutionView };
  resumeExecution: { in: { id: string; confirmSteps?: number[] }; out: ExecutionView };
  abortExecution: { in: { id: string }; out: ExecutionView };
  confirmStep: { in: { id: string; step: number }; out: ExecutionView };
  /** An execution's report (same layout as a drill report), for the page and the PDF. */
  getExecutionReport: { in: { id: string }; out: DrillReport };
  exportExecutionReport: { in: { id: string; format: 'pdf' | 'html' }; out: ReportFile };
  listDrills: { in: void; out: DrillScenarioInfo[] };
  /** Starts a drill on the built-in sandbox; progress arrives as `drillProgress`, the result via getDrillReport. */
  runDrill: { in: { scenario: string; tester?: string }; out: { drillId: string } };
  listDrillRuns: { in: { limit?: number } | void; out: DrillRunSummary[] };
  getDrillReport: { in: { drillId: string }; out: DrillReport };
  setDrillVerdict: { in: { drillId: string; verdict: DrillVerdict; notes: string; tester: string }; out: DrillReport };
  exportDrillReport: { in: { drillId: string; format: 'pdf' | 'html' }; out: ReportFile };
}

export interface RunbookEvents {
  executionProgress: ExecutionProgress;
  drillProgress: DrillProgress;
}

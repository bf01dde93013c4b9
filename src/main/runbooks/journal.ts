import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { ExecutionStatus } from '../../shared/api/runbooks';
import type { Plan } from './runbook';

/**
 * The execution journal: one row per execution, one row per step attempt. A step's row is written BEFORE
 * it runs (started, with its deadline) and completed AFTER (outcome, output, timing), so a crash always
 * leaves evidence of the step that was in flight.
 */
export type StepRunStatus = 'started' | 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'cancelled';
export type StepPhase = 'run' | 'compensate';

export interface ExecutionRow {
  id: string;
  requestId: string | null;
  runbook: string;
  title: string;
  plan: Plan;
  planDigest: string;
  initiator: string;
  mode: 'execute' | 'drill';
  status: ExecutionStatus;
  currentStep: number | null;
  createdAt: string;
  finishedAt: string | null;
  ownerPid: number;
  ownerHost: string;
  ownerInstance: string;
  heartbeatAt: string;
  errorCode: string | null;
  errorMessage: string | null;
  breakGlass: { reason: string; approvers: string[] } | null;
}

export interface StepRunRow {
  id: number;
  executionId: string;
  stepN: number;
  phase: StepPhase;
  attempt: number;
  status: StepRunStatus;
  startedAt: string;
  deadlineAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  output: string;
  data: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  confirmedBy: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rb_executions (
  id TEXT PRIMARY KEY, request_id TEXT, runbook TEXT NOT NULL, title TEXT NOT NULL, plan_json TEXT NOT NULL,
  plan_digest TEXT NOT NULL, initiator TEXT NOT NULL, mode TEXT NOT NULL, status TEXT NOT NULL, current_step INTEGER,
  created_at TEXT NOT NULL, finished_at TEXT, owner_pid INTEGER NOT NULL, owner_host TEXT NOT NULL, owner_instance TEXT NOT NULL, heartbeat_at TEXT NOT NULL,
  error_code TEXT, error_message TEXT, break_glass_json TEXT
);
CREATE TABLE IF NOT EXISTS rb_step_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, execution_id TEXT NOT NULL REFERENCES rb_executions(id), step_n INTEGER NOT NULL,
  phase TEXT NOT NULL, attempt INTEGER NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, deadline_at TEXT NOT NULL,
  finished_at TEXT, duration_ms INTEGER, output TEXT NOT NULL DEFAULT '', data_json TEXT, error_code TEXT, error_message TEXT, confirmed_by TEXT
);
CREATE INDEX IF NOT EXISTS rb_step_runs_exec ON rb_step_runs(execution_id, id);
`;

type Raw = Record<string, unknown>;

function toExecution(r: Raw): ExecutionRow {
  return {
    id: r.id as string,
    requestId: (r.request_id as string | null) ?? null,
    runbook: r.runbook as string,
    title: r.title as string,
    plan: JSON.parse(r.plan_json as string) as Plan,
    planDigest: r.plan_digest as string,
    initiator: r.initiator as string,
    mode: r.mode as ExecutionRow['mode'],
    status: r.status as ExecutionStatus,
    currentStep: (r.current_step as number | null) ?? null,
    createdAt: r.created_at as string,
    finishedAt: (r.finished_at as string | null) ?? null,
    ownerPid: r.owner_pid as number,
    ownerHost: r.owner_host as string,
    ownerInstance: r.owner_instance as string,
    heartbeatAt: r.heartbeat_at as string,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    breakGlass: r.break_glass_json ? (JSON.parse(r.break_glass_json as string) as ExecutionRow['breakGlass']) : null,
  };
}

function toStepRun(r: Raw): StepRunRow {
  return {
    id: r.id as number,
    executionId: r.execution_id as string,
    stepN: r.step_n as number,
    phase: r.phase as StepPhase,
    attempt: r.attempt as number,
    status: r.status as StepRunStatus,
    startedAt: r.started_at as string,
    deadlineAt: r.deadline_at as string,
    finishedAt: (r.finished_at as string | null) ?? null,
    durationMs: (r.duration_ms as number | null) ?? null,
    output: r.output as string,
    data: r.data_json ? (JSON.parse(r.data_json as string) as Record<string, unknown>) : null,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    confirmedBy: (r.confirmed_by as string | null) ?? null,
  };
}

export class Journal {
  readonly ownerPid = process.pid;
  readonly ownerHost = hostname();

  /** `instance` identifies the executor that keeps an execution alive (one per process and database). */
  constructor(
    private readonly db: Database.Database,
    readonly instance: string,
  ) {
    db.exec(SCHEMA);
  }

  isOwner(id: string): boolean {
    const r = this.db.prepare('SELECT owner_instance FROM rb_executions WHERE id = ?').get(id) as { owner_instance: string } | undefined;
    return r?.owner_instance === this.instance;
  }

  createExecution(e: Pick<ExecutionRow, 'id' | 'requestId' | 'plan' | 'planDigest' | 'initiator' | 'mode' | 'breakGlass'>, now: string): void {
    this.db
      .prepare(
        `INSERT INTO rb_executions (id, request_id, runbook, title, plan_json, plan_digest, initiator, mode, status, current_step, created_at, owner_pid, owner_host, owner_instance, heartbeat_at, break_glass_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.id, e.requestId, e.plan.runbook, e.plan.title, JSON.stringify(e.plan), e.planDigest, e.initiator, e.mode, now, this.ownerPid, this.ownerHost, this.instance, now, e.breakGlass ? JSON.stringify(e.breakGlass) : null);
  }

  /** Takes over an execution (resume/abort in this process): this process is now the one keeping it alive. */
  claim(id: string, status: ExecutionStatus, now: string): void {
    this.db
      .prepare('UPDATE rb_executions SET status = ?, owner_pid = ?, owner_host = ?, owner_instance = ?, heartbeat_at = ?, finished_at = NULL, error_code = NULL, error_message = NULL WHERE id = ?')
      .run(status, this.ownerPid, this.ownerHost, this.instance, now, id);
  }

  setStatus(id: string, status: ExecutionStatus, now: string, error?: { code: string; message: string } | null): void {
    const final = ['succeeded', 'failed', 'interrupted', 'aborted', 'abort-failed'].includes(status);
    this.db
      .prepare('UPDATE rb_executions SET status = ?, heartbeat_at = ?, finished_at = ?, error_code = ?, error_message = ? WHERE id = ?')
      .run(status, now, final ? now : null, error?.code ?? null, error?.message ?? null, id);
  }

  setCurrentStep(id: string, n: number | null, now: string): void {
    this.db.prepare('UPDATE rb_executions SET current_step = ?, heartbeat_at = ? WHERE id = ?').run(n, now, id);
  }

  heartbeat(id: string, now: string): void {
    this.db.prepare('UPDATE rb_executions SET heartbeat_at = ? WHERE id = ? AND owner_instance = ?').run(now, id, this.instance);
  }

  stepStarted(executionId: string, stepN: number, phase: StepPhase, attempt: number, startedAt: string, deadlineAt: string, confirmedBy: string | null): number {
    const r = this.db
      .prepare(`INSERT INTO rb_step_runs (execution_id, step_n, phase, attempt, status, started_at, deadline_at, confirmed_by) VALUES (?, ?, ?, ?, 'started', ?, ?, ?)`)
      .run(executionId, stepN, phase, attempt, startedAt, deadlineAt, confirmedBy);
    return Number(r.lastInsertRowid);
  }

  stepFinished(
    runId: number,
    f: { status: Exclude<StepRunStatus, 'started'>; finishedAt: string; durationMs: number; output: string; data: Record<string, unknown> | null; errorCode: string | null; errorMessage: string | null },
  ): void {
    this.db
      .prepare('UPDATE rb_step_runs SET status = ?, finished_at = ?, duration_ms = ?, output = ?, data_json = ?, error_code = ?, error_message = ? WHERE id = ?')
      .run(f.status, f.finishedAt, f.durationMs, f.output, f.data ? JSON.stringify(f.data) : null, f.errorCode, f.errorMessage, runId);
  }

  getExecution(id: string): ExecutionRow | null {
    const r = this.db.prepare('SELECT * FROM rb_executions WHERE id = ?').get(id) as Raw | undefined;
    return r ? toExecution(r) : null;
  }

  listExecutions(limit: number): ExecutionRow[] {
    return (this.db.prepare('SELECT * FROM rb_executions ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Raw[]).map(toExecution);
  }

  stepRuns(executionId: string): StepRunRow[] {
    return (this.db.prepare('SELECT * FROM rb_step_runs WHERE execution_id = ? ORDER BY id').all(executionId) as Raw[]).map(toStepRun);
  }

  /** Executions that claim to be in progress: the executor decides which of them are orphans. */
  liveExecutions(): ExecutionRow[] {
    return (this.db.prepare("SELECT * FROM rb_executions WHERE status IN ('running', 'awaiting-confirmation', 'aborting')").all() as Raw[]).map(toExecution);
  }

  /** Marks an orphaned execution and its in-flight step rows interrupted, in one transaction. */
  markInterrupted(id: string, now: string, message: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE rb_step_runs SET status = 'interrupted', finished_at = ?, error_code = 'INTERRUPTED', error_message = ? WHERE execution_id = ? AND status = 'started'").run(now, message, id);
      this.db.prepare("UPDATE rb_executions SET status = 'interrupted', finished_at = ?, error_code = 'INTERRUPTED', error_message = ? WHERE id = ?").run(now, message, id);
    })();
  }
}

import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ExecutionProgress, ExecutionSummary, ExecutionView } from '../../shared/api/runbooks';
import { DeskError } from '../../shared/errors';
import { describeOperation } from './describe';
import type { StepContext, StepOutcome, OperationHandlers } from './steps/step-handler';
import { sleep } from '../connectors/deadline';
import { Journal, type ExecutionRow, type StepPhase } from './journal';
import { planDigest } from './plan-digest';
import type { AuditSink, Notifier, RunbookNotice } from './ports';
import type { Operation, Plan, Step } from './runbook';
import { planSchema } from './runbook';
import { completedSteps, executionView, resumePoint, stepViews, summaryOf } from './views';

export interface ExecutorOptions {
  db: Database.Database;
  handlers: OperationHandlers;
  audit: AuditSink;
  notifier?: Notifier;
  /** How often a running execution proves it is alive (default 2 s). */
  heartbeatMs?: number;
  /** An execution owned by another host is interrupted once its heartbeat is this old (default 30 s). */
  staleAfterMs?: number;
  instanceId?: string;
  /**
   * The execution ledgers on the replica sets a plan acts on: an approved request is claimed there before
   * its first step, so it runs once whatever workstation or database copy starts it.
   */
  ledger?: ExecutionLedgerPort;
}

export interface ExecutionLedgerPort {
  /** Throws ALREADY_EXECUTED (who ran it, when) or another coded error: nothing may run then. */
  claim(plan: Plan, c: { requestId: string; nonce: string; planDigest: string; executionId: string; by: string }): Promise<{ recorded: string[]; skipped: Array<{ target: string; why: string }> }>;
  finish(plan: Plan, requestId: string, executionId: string, outcome: string): Promise<void>;
}

export interface StartInput {
  plan: Plan;
  /** The digest the approvers signed; the executor recomputes it and refuses any other plan. */
  planDigest: string;
  requestId: string | null;
  initiator: string;
  mode?: 'execute' | 'drill';
  breakGlass?: { reason: string; approvers: string[] } | null;
}

interface Active {
  controller: AbortController | null;
  aborting: boolean;
  done: Promise<void>;
  confirm: { n: number; resolve: (by: string) => void } | null;
}

type AttemptStatus = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'superseded';

const FINAL = new Set(['succeeded', 'aborted', 'abort-failed']);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs approved plans step by step. Each attempt is journaled before it starts (with its deadline) and
 * after it ends; a step that overruns its deadline is stopped and recorded as timed out. An execution left
 * "running" by a dead engine is shown as interrupted at its step; resume re-runs only what is safe.
 */
export class Executor {
  private readonly journal: Journal;
  private readonly active = new Map<string, Active>();
  private readonly listeners = new Set<(p: ExecutionProgress) => void>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly opts: ExecutorOptions) {
    this.journal = new Journal(opts.db, opts.instanceId ?? randomUUID());
    this.recover();
    this.heartbeat = setInterval(() => {
      const now = new Date().toISOString();
      for (const id of this.active.keys()) this.journal.heartbeat(id, now);
    }, opts.heartbeatMs ?? 2000);
    this.heartbeat.unref();
  }

  onProgress(listener: (p: ExecutionProgress) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Marks executions whose engine is gone as interrupted (at the step they were on); returns their ids. */
  recover(): string[] {
    const out: string[] = [];
    for (const e of this.journal.liveExecutions()) {
      if (e.ownerInstance === this.journal.instance) continue;
      const sameHost = e.ownerHost === this.journal.ownerHost;
      const dead = sameHost ? e.ownerPid === process.pid || !processAlive(e.ownerPid) : Date.now() - Date.parse(e.heartbeatAt) > (this.opts.staleAfterMs ?? 30_000);
      if (!dead) continue;
      const at = e.currentStep ? `step ${e.currentStep} "${e.plan.steps[e.currentStep - 1]?.title}"` : 'its start';
      const msg = `The engine (pid ${e.ownerPid} on ${e.ownerHost}) stopped during ${at}; nothing is running now. Check the step's target, then resume or abort.`;
      this.journal.markInterrupted(e.id, new Date().toISOString(), msg);
      this.audit(e.id, 'drdesk', 'runbook.execution.interrupted', { step: e.currentStep, message: msg });
      this.notify({ level: 'warning', title: `${e.title}: interrupted at step ${e.currentStep ?? 0}`, body: msg, executionId: e.id });
      out.push(e.id);
    }
    return out;
  }

  start(input: StartInput): ExecutionView {
    const { plan, digest, id } = this.prepare(input);
    return this.begin(input, plan, digest, id);
  }

  /**
   * An approved request's execution: recorded in the ledgers of the replica sets it acts on before the
   * journal row and the first step, so a second start — from an older copy of this database, another
   * workstation with the same approvals, or a replayed approval file — is refused there.
   */
  async startOnce(input: StartInput & { requestId: string; nonce: string }): Promise<ExecutionView> {
    const { plan, digest, id } = this.prepare(input);
    if (this.opts.ledger) {
      const r = await this.opts.ledger.claim(plan, { requestId: input.requestId, nonce: input.nonce, planDigest: digest, executionId: id, by: input.initiator });
      await this.audit(id, input.initiator, 'runbook.execution.ledger', { requestId: input.requestId, recorded: r.recorded, skipped: r.skipped });
    }
    return this.begin(input, plan, digest, id);
  }

  private prepare(input: StartInput): { plan: Plan; digest: string; id: string } {
    const plan = planSchema.parse(input.plan);
    const drifted = plan.steps.find((s) => s.command !== describeOperation(s.operation));
    if (drifted)
      throw new DeskError('PLAN_COMMAND_MISMATCH', `Step ${drifted.n} shows a command that is not the operation it runs: rebuild the plan and request approval again.`);
    const digest = planDigest(plan);
    if (digest !== input.planDigest)
      throw new DeskError('PLAN_DIGEST_MISMATCH', `The plan to run (${digest}) is not the approved plan (${input.planDigest}): request and approve this exact plan before executing it.`);
    const id = `ex-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    return { plan, digest, id };
  }

  private begin(input: StartInput, plan: Plan, digest: string, id: string): ExecutionView {
    this.journal.createExecution({ id, requestId: input.requestId, plan, planDigest: digest, initiator: input.initiator, mode: input.mode ?? 'execute', breakGlass: input.breakGlass ?? null }, new Date().toISOString());
    this.audit(id, input.initiator, 'runbook.execution.started', { runbook: plan.runbook, planDigest: digest, requestId: input.requestId, steps: plan.steps.length, breakGlass: input.breakGlass ?? null });
    this.launch(id, () => this.runFrom(id, input.initiator));
    return this.get(id);
  }

  resume(id: string, opts: { confirmSteps?: number[]; by: string }): ExecutionView {
    this.recover();
    const e = this.row(id);
    if (e.status !== 'interrupted' && e.status !== 'failed')
      throw new DeskError('EXECUTION_NOT_RESUMABLE', `Execution ${id} is ${e.status}: only an interrupted or failed execution can be resumed.`);
    const point = resumePoint(e, this.journal.stepRuns(id));
    if (!point) throw new DeskError('EXECUTION_NOTHING_TO_RESUME', `Every step of execution ${id} has succeeded: there is nothing to resume.`);
    const step = e.plan.steps[point.n - 1];
    if (point.started && !point.idempotent && !(opts.confirmSteps ?? []).includes(point.n))
      throw new DeskError(
        'RESUME_CONFIRMATION_REQUIRED',
        `Step ${point.n} "${step.title}" is not idempotent and had started before the execution stopped: check its target, then resume confirming step ${point.n} to run it again.`,
        { step: point.n, title: step.title },
      );
    this.journal.claim(id, 'running', new Date().toISOString());
    this.audit(id, opts.by, 'runbook.execution.resumed', { fromStep: point.n, rerun: point.started, confirmed: opts.confirmSteps ?? [] });
    this.launch(id, () => this.runFrom(id, opts.by));
    return this.get(id);
  }

  /** Stops a running execution (cancelling its current step) and runs the compensations in reverse order. */
  async abort(id: string, by: string): Promise<ExecutionView> {
    this.recover();
    const e = this.row(id);
    if (FINAL.has(e.status) || e.status === 'aborting') throw new DeskError('EXECUTION_NOT_ABORTABLE', `Execution ${id} is ${e.status}: there is nothing to abort.`);
    const act = this.active.get(id);
    if (act) {
      act.aborting = true;
      act.controller?.abort(new DeskError('STEP_CANCELLED', `Step cancelled: ${by} aborted the execution.`));
      await act.done;
    } else if (e.status === 'running' || e.status === 'awaiting-confirmation') {
      throw new DeskError('EXECUTION_BUSY', `Execution ${id} is run by another engine (pid ${e.ownerPid} on ${e.ownerHost}): abort it there.`);
    }
    this.journal.claim(id, 'aborting', new Date().toISOString());
    this.audit(id, by, 'runbook.execution.abort', { atStep: e.currentStep });
    this.launch(id, () => this.compensate(id, by));
    return this.get(id);
  }

  confirmStep(id: string, n: number, by: string): ExecutionView {
    const pending = this.active.get(id)?.confirm;
    if (!pending || pending.n !== n) throw new DeskError('STEP_NOT_AWAITING', `Step ${n} of execution ${id} is not waiting for a confirmation.`);
    pending.resolve(by);
    return this.get(id);
  }

  get(id: string): ExecutionView {
    return executionView(this.row(id), this.journal.stepRuns(id));
  }

  list(limit = 50): ExecutionSummary[] {
    return this.journal.listExecutions(limit).map(summaryOf);
  }

  /** Resolves when the execution's current run (or abort) in this engine has ended. */
  async settled(id: string): Promise<ExecutionView> {
    await this.active.get(id)?.done;
    return this.get(id);
  }

  close(): void {
    clearInterval(this.heartbeat);
  }

  private row(id: string): ExecutionRow {
    const e = this.journal.getExecution(id);
    if (!e) throw new DeskError('EXECUTION_NOT_FOUND', `No execution ${id}: list executions to find its id.`);
    return e;
  }

  private launch(id: string, body: () => Promise<void>): void {
    const act: Active = { controller: null, aborting: false, done: Promise.resolve(), confirm: null };
    this.active.set(id, act);
    act.done = body()
      .catch((err: unknown) => {
        if (!this.journal.isOwner(id)) return;
        const code = err instanceof DeskError ? err.code : 'EXECUTOR_ERROR';
        this.journal.setStatus(id, 'failed', new Date().toISOString(), { code, message: (err as Error).message });
      })
      .finally(() => {
        if (this.active.get(id) === act) this.active.delete(id);
        this.emit(id, null);
        this.recordOutcome(id);
      });
  }

  /** The ledgers learn how the run ended (best effort: the claim, which is what refuses a second run, is already there). */
  private recordOutcome(id: string): void {
    const e = this.journal.getExecution(id);
    if (!this.opts.ledger || !e?.requestId || e.mode !== 'execute') return;
    if (e.status === 'running' || e.status === 'awaiting-confirmation' || e.status === 'aborting') return;
    this.opts.ledger.finish(e.plan, e.requestId, id, e.status).catch(() => undefined);
  }

  private async runFrom(id: string, actor: string): Promise<void> {
    const e = this.row(id);
    const done = completedSteps(this.journal.stepRuns(id));
    for (const step of e.plan.steps) {
      if (done.has(step.n)) continue;
      if (this.active.get(id)?.aborting) return;
      const r = await this.runStep(e, step, actor);
      if (r.status === 'superseded' || this.active.get(id)?.aborting) return;
      if (r.status !== 'succeeded') {
        const error = { code: r.code, message: `Step ${step.n} "${step.title}" ${r.status}: ${r.message}` };
        this.journal.setStatus(id, 'failed', new Date().toISOString(), error);
        this.audit(id, actor, 'runbook.execution.failed', { step: step.n, ...error });
        this.notify({ level: 'error', title: `${e.title}: failed at step ${step.n}`, body: error.message, executionId: id });
        return;
      }
    }
    this.journal.setStatus(id, 'succeeded', new Date().toISOString());
    this.audit(id, actor, 'runbook.execution.succeeded', { steps: e.plan.steps.length });
    this.notify({ level: 'info', title: `${e.title}: completed`, body: `All ${e.plan.steps.length} steps succeeded.`, executionId: id });
  }

  private async runStep(e: ExecutionRow, step: Step, actor: string): Promise<{ status: AttemptStatus; code: string; message: string }> {
    let last: { status: AttemptStatus; code: string; message: string } = { status: 'failed', code: 'STEP_FAILED', message: 'not run' };
    for (let attempt = 1; attempt <= step.retries + 1; attempt++) {
      last = await this.attempt(e, step, attempt, actor, 'run', step.operation, step.timeoutMs);
      if (last.status === 'succeeded' || last.status === 'cancelled' || last.status === 'superseded') return last;
      // A non-idempotent step that overran may have partly acted: never repeat it on our own.
      if (last.status === 'timed-out' && !step.idempotent) return last;
      if (attempt <= step.retries) await sleep(step.retryDelayMs);
      if (this.active.get(e.id)?.aborting) return last;
    }
    return last;
  }

  private async attempt(e: ExecutionRow, step: Step, attempt: number, actor: string, phase: StepPhase, op: Operation, timeoutMs: number) {
    const started = Date.now();
    const deadline = started + timeoutMs;
    if (phase === 'run') this.journal.setCurrentStep(e.id, step.n, new Date(started).toISOString());
    const runId = this.journal.stepStarted(e.id, step.n, phase, attempt, new Date(started).toISOString(), new Date(deadline).toISOString(), null);
    this.emit(e.id, step.n);
    const act = this.active.get(e.id);
    const controller = new AbortController();
    if (act) act.controller = controller;
    const lines: string[] = [];
    let outcome: StepOutcome | null = null;
    let status: AttemptStatus = 'succeeded';
    let error: { code: string; message: string } | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      // Audited before it acts: an audit log that cannot record the step stops it from running.
      await this.audit(e.id, actor, `runbook.step.${phase === 'run' ? 'started' : 'compensation.started'}`, { step: step.n, title: step.title, op: op.op, attempt, deadline: new Date(deadline).toISOString() });
      const ctx: StepContext = { executionId: e.id, step, attempt, signal: controller.signal, deadline, breakGlass: e.breakGlass, log: (l) => void lines.push(l) };
      const work = op.op === 'manual.confirm' ? this.awaitConfirmation(e, step, controller.signal) : this.dispatch(op, ctx);
      work.catch(() => undefined);
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort(new DeskError('STEP_DEADLINE', `did not finish within ${Math.round(timeoutMs / 100) / 10} s and was stopped; check its target before resuming`));
        }, timeoutMs);
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
      });
      outcome = await Promise.race([work, stop]);
    } catch (err) {
      const code = err instanceof DeskError ? err.code : ((err as { code?: string }).code ?? 'STEP_FAILED');
      status = code === 'STEP_DEADLINE' ? 'timed-out' : code === 'STEP_CANCELLED' ? 'cancelled' : 'failed';
      error = { code: String(code), message: (err as Error).message };
    } finally {
      clearTimeout(timer);
      if (act) act.controller = null;
    }
    // A newer engine has taken this execution over (this one was presumed dead): record nothing more.
    if (!this.journal.isOwner(e.id)) return { status: 'superseded' as const, code: 'SUPERSEDED', message: 'taken over by another engine' };
    const finished = Date.now();
    const output = [outcome?.summary ?? '', ...lines].filter(Boolean).join('\n');
    this.journal.stepFinished(runId, {
      status: status as 'succeeded' | 'failed' | 'timed-out' | 'cancelled',
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      output,
      data: outcome?.data ?? null,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
    await this.audit(e.id, actor, `runbook.step.${phase === 'run' ? 'finished' : 'compensation.finished'}`, { step: step.n, status, attempt, durationMs: finished - started, output, error }).catch(() => undefined);
    this.emit(e.id, step.n);
    return { status, code: error?.code ?? 'OK', message: error?.message ?? output };
  }

  private dispatch(op: Operation, ctx: StepContext): Promise<StepOutcome> {
    const handler = this.opts.handlers[op.op] as ((o: Operation, c: StepContext) => Promise<StepOutcome>) | undefined;
    if (!handler) return Promise.reject(new DeskError('NO_HANDLER', `This engine has no handler for "${op.op}": run the plan where its ${op.op.split('.')[0]} connector is configured.`));
    return handler(op, ctx);
  }

  private awaitConfirmation(e: ExecutionRow, step: Step, signal: AbortSignal): Promise<StepOutcome> {
    const act = this.active.get(e.id);
    this.journal.setStatus(e.id, 'awaiting-confirmation', new Date().toISOString());
    this.notify({ level: 'warning', title: `${e.title}: step ${step.n} needs a confirmation`, body: step.title, executionId: e.id });
    return new Promise<StepOutcome>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      if (act)
        act.confirm = {
          n: step.n,
          resolve: (by) => {
            act.confirm = null;
            this.journal.setStatus(e.id, 'running', new Date().toISOString());
            this.audit(e.id, by, 'runbook.step.confirmed', { step: step.n });
            resolve({ summary: `confirmed by ${by}`, data: { confirmedBy: by } });
          },
        };
    });
  }

  private async compensate(id: string, by: string): Promise<void> {
    const e = this.row(id);
    const runs = this.journal.stepRuns(id);
    const touched = e.plan.steps.filter((s) => s.compensation && runs.some((r) => r.stepN === s.n && r.phase === 'run')).reverse();
    const failures: string[] = [];
    for (const s of touched) {
      const c = s.compensation!;
      const r = await this.attempt(e, { ...s, title: c.title }, 1, by, 'compensate', c.operation, c.timeoutMs);
      if (r.status === 'superseded') return;
      if (r.status !== 'succeeded') failures.push(`step ${s.n} (${c.title}): ${r.message}`);
    }
    const error = failures.length ? { code: 'COMPENSATION_FAILED', message: `Compensation failed for ${failures.join('; ')}: put these targets right by hand.` } : null;
    this.journal.setStatus(id, error ? 'abort-failed' : 'aborted', new Date().toISOString(), error);
    this.audit(id, by, error ? 'runbook.execution.abort-failed' : 'runbook.execution.aborted', { compensated: touched.map((s) => s.n), error });
    this.notify({ level: error ? 'error' : 'info', title: `${e.title}: ${error ? 'abort incomplete' : 'aborted'}`, body: error?.message ?? `${touched.length} compensation(s) ran.`, executionId: id });
  }

  private emit(id: string, n: number | null): void {
    if (this.listeners.size === 0) return;
    const e = this.journal.getExecution(id);
    if (!e) return;
    const step = n === null ? null : (stepViews(e, this.journal.stepRuns(id)).find((s) => s.n === n) ?? null);
    const p: ExecutionProgress = { executionId: id, status: e.status, currentStep: e.currentStep, step, at: new Date().toISOString() };
    for (const l of this.listeners) l(p);
  }

  /** Appends to the audit log; callers that must not proceed unaudited await it, the others log a failure. */
  private audit(id: string, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
    const p = Promise.resolve()
      .then(() => this.opts.audit.append({ action, actor, subject: `execution:${id}`, details }))
      .then(() => undefined);
    p.catch((err: Error) => this.notify({ level: 'error', title: 'Audit append failed', body: `${action} for ${id} was not audited: ${err.message}`, executionId: id }));
    return p;
  }

  private notify(n: RunbookNotice): void {
    this.opts.notifier?.notify(n);
  }
}

import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Executor } from '../../../src/main/runbooks/executor';
import type { OperationHandlers, StepContext } from '../../../src/main/runbooks/steps/step-handler';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import type { RunbookAuditEntry } from '../../../src/main/runbooks/ports';
import { numberSteps, step, type Plan } from '../../../src/main/runbooks/runbook';

const open: Array<{ close(): void }> = [];
afterEach(() => open.splice(0).forEach((o) => o.close()));

function dbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'drdesk-exec-')), 'desk.sqlite');
}
function openDb(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  open.push(db);
  return db;
}

/** A plan of backup.* steps so each can be driven by a fake handler keyed on the step title. */
function testPlan(specs: Array<{ title: string; idempotent: boolean; timeoutMs?: number; retries?: number; compensate?: boolean; manual?: boolean }>): Plan {
  const steps = specs.map((s, i) =>
    step(
      `s${i + 1}`,
      s.manual ? 'manual-confirmation' : 'action',
      s.title,
      { site: 'DR' },
      s.manual ? { op: 'manual.confirm', prompt: 'switch traffic by hand' } : { op: 'backup.applyLatest', from: 'DC', to: s.title },
      {
        timeoutMs: s.timeoutMs ?? 5000,
        retries: s.retries ?? 0,
        retryDelayMs: 10,
        idempotent: s.idempotent,
        compensation: s.compensate ? { title: `undo ${s.title}`, operation: { op: 'backup.verifyLatest', from: 'DC', to: s.title }, timeoutMs: 2000 } : null,
      },
    ),
  );
  return { schema: 'drdesk.plan/1', runbook: 'dr-activation', title: 'test plan', topology: 't', params: {}, warnings: [], steps: numberSteps(steps) };
}

type Behaviour = (ctx: StepContext) => Promise<{ summary: string }>;
function harness(file: string, behaviours: Record<string, Behaviour>, compensations: Record<string, Behaviour> = {}) {
  const calls: string[] = [];
  const audit: RunbookAuditEntry[] = [];
  const handlers: OperationHandlers = {
    'backup.applyLatest': async (op, ctx) => {
      calls.push(op.to);
      return behaviours[op.to](ctx);
    },
    'backup.verifyLatest': async (op, ctx) => {
      calls.push(`undo:${op.to}`);
      return (compensations[op.to] ?? (async () => ({ summary: 'undone' })))(ctx);
    },
  };
  const ex = new Executor({ db: openDb(file), handlers, audit: { append: (e) => void audit.push(e) }, heartbeatMs: 50 });
  open.push(ex);
  return { ex, calls, audit };
}

const ok: Behaviour = async () => ({ summary: 'done' });
const hang: Behaviour = (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)));
const start = (ex: Executor, plan: Plan) => ex.start({ plan, planDigest: planDigest(plan), requestId: 'req-1', initiator: 'alice' });

describe('executor', () => {
  it('journals each step before it runs and after it ends, and audits both', async () => {
    const file = dbFile();
    let seenDuring: unknown = null;
    const probe = openDb(file);
    const { ex, audit } = harness(file, {
      a: async () => {
        seenDuring = probe.prepare("SELECT status, deadline_at FROM rb_step_runs WHERE step_n = 1").get();
        return { summary: 'applied slice 7' };
      },
      b: ok,
    });
    const plan = testPlan([{ title: 'a', idempotent: false }, { title: 'b', idempotent: true }]);
    const v = await ex.settled(start(ex, plan).id);
    expect(seenDuring).toMatchObject({ status: 'started' });
    expect(v.status).toBe('succeeded');
    expect(v.steps[0]).toMatchObject({ status: 'succeeded', attempts: [{ output: 'applied slice 7' }] });
    expect(v.steps[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(audit.map((a) => a.action)).toEqual([
      'runbook.execution.started',
      'runbook.step.started',
      'runbook.step.finished',
      'runbook.step.started',
      'runbook.step.finished',
      'runbook.execution.succeeded',
    ]);
  });

  it('refuses a plan that is not the approved one', () => {
    const { ex } = harness(dbFile(), { a: ok });
    const plan = testPlan([{ title: 'a', idempotent: true }]);
    expect(() => ex.start({ plan, planDigest: 'sha256:00', requestId: null, initiator: 'x' })).toThrow(/not the approved plan/);
  });

  it('stops a step at its deadline: timed out, never left running', async () => {
    const { ex } = harness(dbFile(), { a: hang });
    const v = await ex.settled(start(ex, testPlan([{ title: 'a', idempotent: true, timeoutMs: 150 }])).id);
    expect(v.status).toBe('failed');
    expect(v.steps[0]).toMatchObject({ status: 'timed-out', error: { code: 'STEP_DEADLINE' } });
    expect(v.error?.message).toMatch(/Step 1 "a" timed-out/);
  });

  it('retries an idempotent step', async () => {
    let n = 0;
    const { ex } = harness(dbFile(), { a: async () => (++n < 3 ? Promise.reject(new Error('flaky')) : { summary: `ok after ${n}` }) });
    const v = await ex.settled(start(ex, testPlan([{ title: 'a', idempotent: true, retries: 2 }])).id);
    expect(v.status).toBe('succeeded');
    expect(v.steps[0].attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
  });

  it('after a crash: interrupted at step N; resume asks before re-running a non-idempotent step, never repeats a done one', async () => {
    const file = dbFile();
    const plan = testPlan([{ title: 'a', idempotent: false }, { title: 'b', idempotent: false }, { title: 'c', idempotent: true }]);
    const first = harness(file, { a: ok, b: hang, c: ok });
    const id = start(first.ex, plan).id;
    await new Promise((r) => setTimeout(r, 100));
    expect(first.ex.get(id)).toMatchObject({ status: 'running', currentStep: 2 });
    first.ex.close();

    // A fresh engine over the same SQLite file: the old one is presumed dead.
    const second = harness(file, { a: ok, b: ok, c: ok });
    const v = second.ex.get(id);
    expect(v).toMatchObject({ status: 'interrupted', interruptedAtStep: 2, resumable: true, confirmationNeededFor: 2 });
    expect(v.steps.map((s) => s.status)).toEqual(['succeeded', 'interrupted', 'pending']);
    expect(() => second.ex.resume(id, { by: 'alice' })).toThrow(expect.objectContaining({ code: 'RESUME_CONFIRMATION_REQUIRED' }));
    second.ex.resume(id, { by: 'alice', confirmSteps: [2] });
    const done = await second.ex.settled(id);
    expect(done.status).toBe('succeeded');
    expect(second.calls).toEqual(['b', 'c']);
    expect(second.audit.map((a) => a.action)).toContain('runbook.execution.resumed');
  });

  it('resume re-runs an interrupted idempotent step without asking, and skips the non-idempotent step already done', async () => {
    const file = dbFile();
    const plan = testPlan([{ title: 'apply', idempotent: false }, { title: 'start', idempotent: true }]);
    const first = harness(file, { apply: ok, start: hang });
    const id = start(first.ex, plan).id;
    await new Promise((r) => setTimeout(r, 100));
    first.ex.close();
    const second = harness(file, { apply: ok, start: ok });
    expect(second.ex.get(id)).toMatchObject({ interruptedAtStep: 2, confirmationNeededFor: null });
    second.ex.resume(id, { by: 'alice' });
    expect((await second.ex.settled(id)).status).toBe('succeeded');
    expect(second.calls).toEqual(['start']);
    // The superseded engine's step, if it ever ends, writes nothing.
    expect(first.calls).toEqual(['apply', 'start']);
  });

  it('abort cancels the running step and runs compensations in reverse order', async () => {
    const { ex, calls } = harness(dbFile(), { a: ok, b: ok, c: hang });
    const plan = testPlan([
      { title: 'a', idempotent: true, compensate: true },
      { title: 'b', idempotent: true, compensate: true },
      { title: 'c', idempotent: true },
    ]);
    const id = start(ex, plan).id;
    await new Promise((r) => setTimeout(r, 100));
    await ex.abort(id, 'bob');
    const v = await ex.settled(id);
    expect(v.status).toBe('aborted');
    expect(calls).toEqual(['a', 'b', 'c', 'undo:b', 'undo:a']);
    expect(v.steps[2].status).toBe('cancelled');
    expect(v.steps[1].compensation).toMatchObject({ status: 'succeeded', phase: 'compensate' });
  });

  it('a failing compensation leaves the execution abort-failed, with the reason', async () => {
    const { ex } = harness(dbFile(), { a: ok, b: async () => Promise.reject(new Error('boom')) }, { a: async () => Promise.reject(new Error('cannot undo')) });
    const id = start(ex, testPlan([{ title: 'a', idempotent: true, compensate: true }, { title: 'b', idempotent: true }])).id;
    expect((await ex.settled(id)).status).toBe('failed');
    await ex.abort(id, 'bob');
    const v = await ex.settled(id);
    expect(v.status).toBe('abort-failed');
    expect(v.error?.message).toMatch(/cannot undo/);
  });

  it('a manual-confirmation step waits for a person', async () => {
    const { ex } = harness(dbFile(), { a: ok });
    const id = start(ex, testPlan([{ title: 'm', idempotent: true, manual: true }, { title: 'a', idempotent: true }])).id;
    await new Promise((r) => setTimeout(r, 50));
    expect(ex.get(id)).toMatchObject({ status: 'awaiting-confirmation', awaitingStep: 1 });
    ex.confirmStep(id, 1, 'carol');
    const v = await ex.settled(id);
    expect(v.status).toBe('succeeded');
    expect(v.steps[0].attempts[0].output).toBe('confirmed by carol');
  });
});

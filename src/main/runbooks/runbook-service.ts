import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillReport } from '../../shared/api/drill-report';
import type { ExecutionSummary, ExecutionView, LedgerExecutions, LedgerExecutionsView, ReportFile } from '../../shared/api/runbooks';
import { executionReport } from '../reports/execution-report';
import { renderReportHtml } from '../reports/html';
import { htmlToPdf } from '../reports/pdf';
import type { DrillApprovalResult } from '../reports/approval-report';
import { DeskError } from '../../shared/errors';
import type { Topology } from '../../shared/topology';
import { Executor, type ExecutionLedgerPort } from './executor';
import type { OperationHandlers } from './steps/step-handler';
import { planDigest } from './plan-digest';
import { buildPlan } from './plans/index';
import type { SwitchoverParams } from './plans/switchover';
import type { AuditSink, Notifier } from './ports';
import { planSchema, type Plan, type RunbookId } from './runbook';
import { runbookSettingsSchema, sandboxSettings, type RunbookSettings } from './settings';
import type Database from 'better-sqlite3';

export const RUNBOOK_SETTINGS_FILE = 'runbooks.json';

/** The gate in front of execution: the approvals engine's authorizeExecution, reduced to what runs. */
export interface ExecutionGate {
  /** `nonce`: the request's approval nonce, claimed with the request id in the target's execution ledger. */
  authorize(requestId: string): Promise<{ plan: unknown; planDigest: string; nonce?: string; breakGlass: { reason: string; approvers: string[] } | null }>;
  /** Who this workstation's operator is, for the journal and the audit log. */
  operator(): string;
  /** The request's approvals and policy, as the report shows them. */
  describe(requestId: string): Promise<DrillApprovalResult>;
  /** A signed checkpoint of the audit log as it is now, exported for the approvers of `requestId`. */
  checkpoint(requestId: string | null): Promise<DrillReport['audit']['checkpoint']>;
}

/** Reads runbooks.json from the data directory (traffic hook, service commands, timings); absent = defaults. */
export function loadRunbookSettings(dataDir: string, sandbox: boolean): RunbookSettings {
  const file = join(dataDir, RUNBOOK_SETTINGS_FILE);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DeskError('RUNBOOK_SETTINGS_INVALID', `${file} is not JSON (${(err as Error).message}): fix or remove it.`);
    }
  }
  const r = runbookSettingsSchema.safeParse({ ...(sandbox ? sandboxSettings() : {}), ...(raw as object) });
  if (!r.success) throw new DeskError('RUNBOOK_SETTINGS_INVALID', `${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  return r.data;
}

/** Reads the executions the replica sets' ledgers record (ReplicaSetLedgers.recorded). */
export interface LedgerListing {
  recorded(limit?: number): Promise<LedgerExecutions>;
}

/** Plans, approved execution, resume and abort: what the DeskApi runbook methods call. */
export class RunbookService {
  readonly executor: Executor;

  constructor(
    private readonly d: { db: Database.Database; topology: Topology; settings: RunbookSettings; handlers: OperationHandlers; audit: AuditSink; notifier?: Notifier; gate: ExecutionGate | null; ledger?: ExecutionLedgerPort; ledgers?: LedgerListing },
  ) {
    this.executor = new Executor({ db: d.db, handlers: d.handlers, audit: d.audit, notifier: d.notifier, ledger: d.ledger });
  }

  preview(runbook: RunbookId, params: SwitchoverParams = {}): { plan: Plan; digest: string } {
    const plan = buildPlan(runbook, this.d.topology, this.d.settings, params);
    return { plan, digest: planDigest(plan) };
  }

  async start(requestId: string): Promise<ExecutionView> {
    if (!this.d.gate) throw new DeskError('APPROVALS_UNAVAILABLE', 'This engine has no approvals module: executions only start from an approved request.');
    const approved = await this.d.gate.authorize(requestId);
    const parsed = planSchema.safeParse(approved.plan);
    if (!parsed.success) throw new DeskError('REQUEST_PLAN_INVALID', `Request ${requestId} does not carry a runbook plan this engine can run (${parsed.error.issues[0]?.message}): create the request from a plan preview.`);
    const input = { plan: parsed.data, planDigest: approved.planDigest, requestId, initiator: this.d.gate.operator(), breakGlass: approved.breakGlass };
    // Once per request across every workstation: the ledgers on the replica sets refuse a second run.
    return this.executor.startOnce({ ...input, nonce: approved.nonce ?? requestId });
  }

  list(limit?: number): ExecutionSummary[] {
    return this.executor.list(limit);
  }

  /**
   * What the replica sets' ledgers record, each entry marked whether this workstation's journal holds it:
   * a workstation whose data directory was lost (or another workstation) still sees every run.
   */
  async ledgerExecutions(limit?: number): Promise<LedgerExecutionsView> {
    if (!this.d.ledgers) throw new DeskError('LEDGER_UNAVAILABLE', 'This engine reads no execution ledgers: it was started without the replica sets of a topology.');
    const r = await this.d.ledgers.recorded(limit);
    // The journal's own table, read by id: building each execution's view only to learn it exists would read its steps too.
    const known = this.d.db.prepare('SELECT 1 FROM rb_executions WHERE id = ?');
    return { ...r, entries: r.entries.map((e) => ({ ...e, local: known.get(e.executionId) !== undefined })) };
  }

  get(id: string): ExecutionView {
    return this.executor.get(id);
  }

  resume(id: string, confirmSteps: number[]): ExecutionView {
    return this.executor.resume(id, { confirmSteps, by: this.d.gate?.operator() ?? 'operator' });
  }

  abort(id: string): Promise<ExecutionView> {
    return this.executor.abort(id, this.d.gate?.operator() ?? 'operator');
  }

  confirm(id: string, step: number): ExecutionView {
    return this.executor.confirmStep(id, step, this.d.gate?.operator() ?? 'operator');
  }

  /** The report of an execution (the drill report's layout, without drill measurements). */
  async report(id: string): Promise<DrillReport> {
    const e = this.executor.get(id);
    const approval = e.requestId && this.d.gate ? await this.d.gate.describe(e.requestId) : null;
    return executionReport(e, { topology: this.d.topology, approval, checkpoint: this.d.gate ? await this.d.gate.checkpoint(e.requestId) : null });
  }

  async export(id: string, format: 'pdf' | 'html'): Promise<ReportFile> {
    const report = await this.report(id);
    const html = renderReportHtml(report);
    const base = `drdesk-${report.scenario.name}-${id}`;
    if (format === 'html') return { fileName: `${base}.html`, mime: 'text/html', base64: Buffer.from(html).toString('base64') };
    return { fileName: `${base}.pdf`, mime: 'application/pdf', base64: (await htmlToPdf(html, { title: `DR Desk ${report.scenario.title} — ${id}` })).toString('base64') };
  }

  close(): void {
    this.executor.close();
  }
}

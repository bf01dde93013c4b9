import { randomUUID } from 'node:crypto';
import type { ChartPoint, DrillReport, ReportCheck } from '../../shared/api/drill-report';
import type { DrillProgress, ExecutionView } from '../../shared/api/runbooks';
import { DeskError } from '../../shared/errors';
import type { MemberAddress } from '../runbooks/runbook';
import type { WorkloadLedger } from '../sandbox/types';
import { appBaseline, cleanupAndVerify } from './cleanup';
import { DataTracker } from './data-tracker';
import { buildReport } from '../reports/model';
import { dataMembers } from './scenarios/helpers';
import { scenarioByName } from './scenarios/index';
import type { ScenarioResult } from '../reports/model';
import type { DrillEnv, ScenarioContext } from './types';

export function newDrillId(): string {
  return `drill-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}

function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.code ?? 'DRILL_FAILED'}: ${e.message ?? String(err)}`;
}

/**
 * Runs one drill scenario on the sandbox from start to report: baseline of the applications, a sampler for
 * the lag/RPO chart, the scenario (fault, request, approvals, execution), the final RPO measure on the
 * target, cleanup with its verification, and a signed audit checkpoint covering the drill.
 */
export async function runDrill(env: DrillEnv, name: string, opts: { drillId?: string; tester?: string; sampleMs?: number } = {}): Promise<DrillReport> {
  const scenario = scenarioByName(name);
  if (scenario.needs.includes('backup') && !env.backup)
    throw new DeskError('DRILL_NEEDS_BACKUP', `The ${name} drill needs the backup pipeline (slices DC → DR), which this engine does not have configured.`);
  if (scenario.needs.includes('approvals') && !env.approvals)
    throw new DeskError('DRILL_NEEDS_APPROVALS', `The ${name} drill runs an approved runbook and needs the approvals module with two approver identities.`);
  const drillId = opts.drillId ?? newDrillId();
  const startedAt = Date.now();
  const timeline: Array<{ t: number; label: string }> = [];
  const expectations: ReportCheck[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const executions: ExecutionView[] = [];
  const progress = (phase: DrillProgress['phase'], message: string) => env.onProgress?.({ drillId, scenario: name, phase, message, at: new Date().toISOString() });
  const auditFirst = env.audit.count() + 1;
  await env.audit.sink.append({ action: 'drill.started', actor: env.initiator, subject: `drill:${drillId}`, details: { scenario: name, ...(opts.tester ? { tester: opts.tester } : {}) } });

  const targetSite = env.topology.sites.find((s) => s.name === scenario.targetSite(env.topology))!;
  let tracker = new DataTracker(env.mongo, env.sandbox.ledger, dataMembers(targetSite), startedAt);
  const charts: ChartPoint[][] = [tracker.samples];
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void tracker.sample().finally(() => (sampling = false));
  }, opts.sampleMs ?? 1000);
  const baseline = await appBaseline(env.topology);

  const ctx: ScenarioContext = {
    env,
    drillId,
    startedAt,
    get tracker() {
      return tracker;
    },
    retrack(ledger: WorkloadLedger, members: MemberAddress[]) {
      tracker = new DataTracker(env.mongo, ledger, members, startedAt);
      charts.push(tracker.samples);
    },
    mark(label) {
      const now = Date.now();
      timeline.push({ t: (now - startedAt) / 1000, label });
      progress('execution', label);
      return now;
    },
    phase: progress,
    expect: (n, ok, detail) => void expectations.push({ name: n, ok, detail }),
    warn: (m) => void warnings.push(m),
    async requestAndRun(plan, reason) {
      if (!env.approvals) throw new DeskError('DRILL_NEEDS_APPROVALS', 'This drill needs the approvals module.');
      const requestedAt = ctx.mark(`requested: ${plan.title}`);
      progress('approvals', `request for ${plan.title} sent to the approvers`);
      const approval = await env.approvals.approve({ target: plan.title, reason, plan });
      ctx.mark(`approved by ${approval.approvals.map((a) => `${a.name} (${a.group})`).join(' and ')}`);
      const started = env.executor.start({ plan, planDigest: approval.planDigest, requestId: approval.requestId, initiator: env.initiator, mode: 'drill', breakGlass: approval.breakGlass });
      ctx.mark(`execution ${started.id} started`);
      const execution = await env.executor.settled(started.id);
      ctx.mark(`execution ${execution.status}${execution.status === 'failed' && execution.currentStep ? ` at step ${execution.currentStep}` : ''}`);
      executions.push(execution);
      return { execution, approval, requestedAt };
    },
  };

  let result: ScenarioResult | null = null;
  try {
    result = await scenario.run(ctx);
  } catch (err) {
    errors.push(errorText(err));
    progress('failed', errorText(err));
  }
  clearInterval(sampler);
  progress('measure', 'measuring RPO on the target');
  await tracker.sample().catch(() => undefined);
  const rpo = await tracker.measure().catch(() => null);
  if (!rpo) warnings.push(`The target could not be read at the end of the drill: RPO not measured.`);
  for (const e of executions) if (e !== result?.execution && e.status !== 'succeeded') warnings.push(`Execution ${e.id} (${e.title}) ended ${e.status}: ${e.error?.message ?? ''}`.trim());

  progress('cleanup', 'healing faults and verifying the sandbox is back as it was');
  const cleanup = await cleanupAndVerify(env.sandbox, env.mongo, env.topology, baseline).catch((err: unknown) => ({ ok: false, checks: [{ name: 'Cleanup', ok: false, detail: errorText(err) }] }));
  const finishedAt = Date.now();
  await env.audit.sink.append({ action: 'drill.finished', actor: env.initiator, subject: `drill:${drillId}`, details: { scenario: name, cleanupOk: cleanup.ok, executions: executions.map((e) => e.id) } });
  progress('report', 'building the report');
  let checkpoint: DrillReport['audit']['checkpoint'] = null;
  try {
    checkpoint = await env.audit.checkpoint();
  } catch (err) {
    errors.push(`The audit checkpoint could not be signed: ${errorText(err)}`);
  }
  const report = buildReport({
    drillId,
    scenario,
    topology: env.topology,
    // The person who ran the drill, not the practice identity that signed its steps on their behalf.
    initiator: opts.tester?.trim() || env.initiator,
    startedAt,
    finishedAt,
    result,
    rpo,
    expectations,
    timeline,
    warnings,
    errors,
    chart: charts.flat().sort((a, b) => a.t - b.t),
    cleanup,
    audit: {
      checkpoint,
      firstSeq: auditFirst,
      lastSeq: checkpoint?.entries ?? null,
      note: checkpoint
        ? `Entries ${auditFirst}–${checkpoint.entries} of the audit log record this drill. Verify with "drdesk audit verify": the log's entry ${checkpoint.entries} must have head hash ${checkpoint.headHash.slice(0, 16)}… and the checkpoint must verify under the signer's key.`
        : 'No checkpoint: the report cannot be verified against the audit log.',
    },
    tester: opts.tester,
  });
  progress('done', `${report.outcome}: RTO ${report.measured.rtoSeconds ?? '—'} s, RPO ${report.measured.rpoSeconds ?? '—'} s`);
  return report;
}

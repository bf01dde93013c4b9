import type { ChartPoint, DrillOutcome, DrillReport, DrillScenarioInfo, ReportCheck, ReportStep } from '../../shared/api/drill-report';
import type { ExecutionView } from '../../shared/api/runbooks';
import type { Topology } from '../../shared/topology';
import type { DrillApprovalResult } from './approval-report';

export interface RpoMeasure {
  acknowledged: number;
  missing: number;
  /** Seconds between the newest acknowledged write and the newest one present on the target. */
  rpoSeconds: number | null;
  /** DC wall time of the newest acknowledged write present on the target. */
  recoveredTo: string | null;
  /** DC wall time (epoch ms) of the newest acknowledged write, and of each missing one: the count check. */
  newestAckAt?: number | null;
  missingAt?: number[];
}

/** What an operation (a drill scenario, or an approved execution) produced, for its report. */
export interface ScenarioResult {
  operation: string;
  rtoFrom: { at: number; label: string };
  rtoTo: { at: number | null; label: string };
  execution: ExecutionView | null;
  approval: DrillApprovalResult | null;
  /** Outcome of the scenario's own expectations (the runner adds RTO/RPO targets and cleanup). */
  passed: boolean;
}

export interface ReportInput {
  drillId: string;
  scenario: { info: DrillScenarioInfo };
  topology: Topology;
  initiator: string;
  startedAt: number;
  finishedAt: number;
  result: ScenarioResult | null;
  rpo: RpoMeasure | null;
  expectations: ReportCheck[];
  timeline: Array<{ t: number; label: string }>;
  warnings: string[];
  errors: string[];
  chart: ChartPoint[];
  cleanup: { ok: boolean; checks: ReportCheck[] };
  audit: DrillReport['audit'];
  tester?: string;
}

function targetText(t: ExecutionView['steps'][number]['target']): string {
  return [t.site, t.replicaSet, t.member].filter(Boolean).join('/') + (t.host ? ` (${t.host})` : '');
}

export function reportSteps(e: ExecutionView | null): { steps: ReportStep[]; notRun: Array<{ n: number; title: string }> } {
  if (!e) return { steps: [], notRun: [] };
  const steps = e.steps.map((s) => ({
    n: s.n,
    title: s.title,
    kind: s.kind,
    target: targetText(s.target),
    status: s.attempts.length > 1 ? `${s.status} (${s.attempts.length} attempts)` : s.status === 'pending' ? 'not run' : s.status,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    durationMs: s.durationMs,
    error: s.error ? `${s.error.code}: ${s.error.message}` : null,
  }));
  return { steps, notRun: e.steps.filter((s) => s.status === 'pending').map((s) => ({ n: s.n, title: s.title })) };
}

function approvalPart(a: DrillApprovalResult | null): Pick<DrillReport, 'request' | 'approvals' | 'policy' | 'breakGlass'> {
  if (!a) return { request: null, approvals: [], policy: null, breakGlass: null };
  return { request: a.request, approvals: a.approvals, policy: a.policy, breakGlass: a.breakGlass };
}

/**
 * The report model: everything a drill report carries, computed once from what the drill observed. The
 * outcome is "passed" only when the scenario's expectations, both targets and the cleanup all hold.
 */
export function buildReport(i: ReportInput): DrillReport {
  const r = i.result;
  const targets = { rtoSeconds: i.topology.targets.rtoSeconds, rpoSeconds: i.topology.targets.rpoSeconds };
  const rtoSeconds = r && r.rtoTo.at !== null ? Math.max(0, (r.rtoTo.at - r.rtoFrom.at) / 1000) : null;
  const rpoSeconds = i.rpo?.rpoSeconds ?? null;
  const rtoMet = rtoSeconds === null ? (r ? false : null) : rtoSeconds <= targets.rtoSeconds;
  // Met by time AND count: a small time gap with writes missing from long before it (holes) is not met.
  const rpoMissingBeyondTarget = rpoBeyond(i.rpo, targets.rpoSeconds);
  const rpoMet = rpoSeconds === null ? null : rpoSeconds <= targets.rpoSeconds && (rpoMissingBeyondTarget ?? 0) === 0;
  const { steps, notRun } = reportSteps(r?.execution ?? null);
  const execErrors = (r?.execution?.steps ?? []).filter((s) => s.error && s.status !== 'succeeded').map((s) => `Step ${s.n} ${s.title}: ${s.error!.code} — ${s.error!.message}`);
  const errors = [...i.errors, ...execErrors];
  const expectations = [...i.expectations];
  let outcome: DrillOutcome = 'passed';
  if (!r) outcome = 'error';
  else if (!r.passed || rtoMet === false || rpoMet === false || !i.cleanup.ok || expectations.some((e) => !e.ok) || i.errors.length > 0) outcome = 'failed';
  const plan = r?.execution ? { runbook: r.execution.plan.runbook, title: r.execution.plan.title, digest: r.execution.planDigest, steps: r.execution.plan.steps.length } : null;
  return {
    id: i.drillId,
    generatedAt: new Date().toISOString(),
    scenario: i.scenario.info,
    operation: r?.operation ?? `${i.scenario.info.title} (drill on the sandbox)`,
    initiator: i.initiator,
    topology: {
      name: i.topology.name,
      sites: i.topology.sites.map((s) => ({
        name: s.name,
        role: s.role,
        replicaSets: s.replicaSets.map((rs) => ({ name: rs.name, members: rs.members.map((m) => ({ name: m.name, address: `${m.host}:${m.port}`, role: m.role })) })),
        appHealthUrls: s.appHealthUrls,
      })),
    },
    plan,
    ...approvalPart(r?.approval ?? null),
    outcome,
    startedAt: new Date(i.startedAt).toISOString(),
    finishedAt: new Date(i.finishedAt).toISOString(),
    durationMs: i.finishedAt - i.startedAt,
    targets,
    measured: {
      rtoSeconds,
      rtoFrom: r?.rtoFrom.label ?? 'not reached',
      rtoTo: r?.rtoTo.label ?? 'not reached',
      rpoSeconds,
      // Without acknowledged writes to compare (no workload ledger) nothing was counted: not "0 missing".
      rpoWrites: i.rpo && i.rpo.acknowledged > 0 ? i.rpo.missing : null,
      acknowledgedWrites: i.rpo?.acknowledged ?? 0,
      recoveredTo: i.rpo?.recoveredTo ?? null,
      rtoMet,
      rpoMet,
      rpoMissingBeyondTarget,
      rpoHow: rpoHow(i.rpo, targets.rpoSeconds, rpoMissingBeyondTarget),
    },
    expectations,
    steps,
    notRun,
    timeline: i.timeline,
    warnings: [...(r?.execution?.plan.warnings ?? []), ...i.warnings],
    errors,
    chart: i.chart,
    cleanup: i.cleanup,
    verdict: { verdict: 'pending', tester: i.tester ?? '', notes: '', at: null },
    audit: i.audit,
  };
}

/** Missing writes acknowledged more than the target before the newest acknowledged one; null when unknown. */
function rpoBeyond(rpo: RpoMeasure | null, targetSeconds: number): number | null {
  if (!rpo || rpo.acknowledged === 0 || !rpo.missingAt || rpo.newestAckAt === null || rpo.newestAckAt === undefined) return null;
  const from = rpo.newestAckAt - targetSeconds * 1000;
  return rpo.missingAt.filter((t) => t < from).length;
}

function rpoHow(rpo: RpoMeasure | null, targetSeconds: number, beyond: number | null): string {
  if (!rpo || rpo.acknowledged === 0) return 'not measured: no workload ledger to compare with';
  const time = 'time: the newest acknowledged DC write minus the newest one present on the target (DC wall times, from the workload ledger)';
  const count =
    beyond === null
      ? 'count: the acknowledged writes absent on the target'
      : `count: ${rpo.missing} of ${rpo.acknowledged} acknowledged writes absent on the target, ${beyond} of them acknowledged more than ${targetSeconds} s before the newest (must be 0)`;
  return `${time}; ${count}`;
}

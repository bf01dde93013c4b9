import type { DrillReport } from '../../shared/api/drill-report';
import type { ExecutionView } from '../../shared/api/runbooks';
import type { Topology } from '../../shared/topology';
import type { DrillApprovalResult } from './approval-report';
import { buildReport } from './model';

const TITLES: Record<string, string> = { switchover: 'Local switchover', 'dr-activation': 'DR activation', failback: 'Failback' };

/**
 * The same report for an approved execution outside a drill (the in-app flow: request, co-sign, execute,
 * export). Without a workload ledger the RPO is not measured; the data point recovered to is the DC time of
 * the last applied slice when the runbook applied one.
 */
export function executionReport(e: ExecutionView, ctx: { topology: Topology; approval: DrillApprovalResult | null; checkpoint: DrillReport['audit']['checkpoint'] }): DrillReport {
  const first = e.steps.find((s) => s.startedAt)?.startedAt ?? e.createdAt;
  const finished = e.finishedAt ?? new Date().toISOString();
  const traffic = e.steps.find((s) => s.id.startsWith('switch-traffic') && s.status === 'succeeded');
  const end = traffic?.finishedAt ?? (e.status === 'succeeded' ? finished : null);
  const applied = e.steps.map((s) => s.attempts.at(-1)?.output ?? '').join('\n');
  const appliedTo = /DC time (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(applied)?.[1] ?? null;
  const report = buildReport({
    drillId: e.id,
    scenario: {
      info: { name: e.runbook, title: e.title, description: `${TITLES[e.runbook] ?? e.runbook} run as an approved execution (not a drill).`, runbook: e.runbook, expectation: 'Every step succeeds within its deadline.' },
    },
    topology: ctx.topology,
    initiator: e.initiator,
    startedAt: Date.parse(first),
    finishedAt: Date.parse(finished),
    result: {
      operation: `${TITLES[e.runbook] ?? e.runbook} (execution ${e.id})`,
      rtoFrom: { at: Date.parse(first), label: 'the execution start' },
      rtoTo: { at: end ? Date.parse(end) : null, label: traffic ? 'traffic switched' : 'the last step' },
      execution: e,
      approval: ctx.approval,
      passed: e.status === 'succeeded',
    },
    rpo: appliedTo ? { acknowledged: 0, missing: 0, rpoSeconds: null, recoveredTo: appliedTo } : null,
    expectations: [],
    timeline: e.steps.filter((s) => s.finishedAt).map((s) => ({ t: (Date.parse(s.finishedAt!) - Date.parse(first)) / 1000, label: `step ${s.n} ${s.status}` })),
    warnings: ['RPO not measured: outside a drill there is no workload ledger to compare with.'],
    errors: e.error ? [`${e.error.code}: ${e.error.message}`] : [],
    chart: [],
    cleanup: { ok: true, checks: [{ name: 'Cleanup', ok: true, detail: 'not a drill: nothing to clean up' }] },
    audit: {
      checkpoint: ctx.checkpoint,
      firstSeq: null,
      lastSeq: ctx.checkpoint?.entries ?? null,
      note: ctx.checkpoint ? `The audit log's entry ${ctx.checkpoint.entries} must have head hash ${ctx.checkpoint.headHash.slice(0, 16)}… (drdesk audit verify).` : 'No checkpoint available.',
    },
  });
  return report;
}

import { describe, expect, it } from 'vitest';
import { buildReport, type ReportInput } from '../../../src/main/reports/model';
import { dcSiteLoss } from '../../../src/main/drills/scenarios/activation';
import type { ExecutionView } from '../../../src/shared/api/runbooks';
import { twoSiteTopology } from '../runbooks/fixtures';

function execution(statuses: string[]): ExecutionView {
  const steps = statuses.map((status, i) => ({
    n: i + 1,
    id: `s${i + 1}`,
    kind: 'action' as const,
    title: `step ${i + 1}`,
    target: { site: 'DR', replicaSet: null, member: null, host: null },
    idempotent: true,
    command: 'x',
    hasCompensation: false,
    status: status as ExecutionView['steps'][number]['status'],
    attempts: [],
    compensation: null,
    startedAt: status === 'pending' ? null : '2025-01-01T00:00:01.000Z',
    finishedAt: status === 'pending' ? null : '2025-01-01T00:00:02.000Z',
    durationMs: status === 'pending' ? null : 1000,
    error: status === 'failed' ? { code: 'SPLIT_BRAIN_RISK', message: 'dc-1 writable' } : null,
  }));
  return {
    id: 'ex-1',
    requestId: 'req_1',
    runbook: 'dr-activation',
    title: 'DR activation',
    status: statuses.includes('failed') ? 'failed' : 'succeeded',
    currentStep: null,
    initiator: 'op',
    mode: 'drill',
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:10.000Z',
    planDigest: 'sha256:ab',
    plan: { schema: 'drdesk.plan/1', runbook: 'dr-activation', title: 'DR activation', topology: 't', params: {}, warnings: ['no traffic hook'], steps: [] },
    interruptedAtStep: null,
    error: null,
    breakGlass: null,
    steps,
    resumable: false,
    confirmationNeededFor: null,
    awaitingStep: null,
  };
}

function input(over: Partial<ReportInput> = {}, rto = 20, rpo = 5): ReportInput {
  const t0 = Date.parse('2025-01-01T00:00:00.000Z');
  return {
    drillId: 'drill-1',
    scenario: dcSiteLoss,
    topology: twoSiteTopology(),
    initiator: 'op',
    startedAt: t0,
    finishedAt: t0 + 30_000,
    result: { operation: 'DR activation', rtoFrom: { at: t0, label: 'fault' }, rtoTo: { at: t0 + rto * 1000, label: 'healthy' }, execution: execution(['succeeded', 'succeeded']), approval: null, passed: true },
    rpo: { acknowledged: 100, missing: 10, rpoSeconds: rpo, recoveredTo: '2025-01-01T00:00:03.000Z' },
    expectations: [{ name: 'DR serves writes', ok: true, detail: 'probe' }],
    timeline: [],
    warnings: [],
    errors: [],
    chart: [],
    cleanup: { ok: true, checks: [] },
    audit: { checkpoint: null, firstSeq: 1, lastSeq: 2, note: '' },
    ...over,
  };
}

describe('drill report model', () => {
  it('RPO is Met only by time AND count: a small time gap with writes missing from long before is Missed, and the report says how both were measured', () => {
    const t0 = Date.parse('2025-01-01T00:00:00.000Z');
    const newest = t0 + 200_000;
    // 103 of 218 missing, the time gap 5 s, but 100 of the missing writes are from 150 s before the newest.
    const holes = { acknowledged: 218, missing: 103, rpoSeconds: 5, recoveredTo: new Date(newest - 5000).toISOString(), newestAckAt: newest, missingAt: [...Array(100).fill(newest - 150_000), newest - 3000, newest - 2000, newest - 1000] };
    const r = buildReport(input({ rpo: holes }));
    expect(r.measured).toMatchObject({ rpoSeconds: 5, rpoMet: false, rpoMissingBeyondTarget: 100 });
    expect(r.outcome).toBe('failed');
    expect(r.measured.rpoHow).toContain('time: the newest acknowledged DC write minus the newest one present on the target');
    expect(r.measured.rpoHow).toContain('count: 103 of 218 acknowledged writes absent on the target, 100 of them acknowledged more than 90 s before the newest (must be 0)');
    // The same count, all within the target window: Met.
    const tail = { ...holes, missingAt: Array(103).fill(newest - 4000) };
    expect(buildReport(input({ rpo: tail })).measured).toMatchObject({ rpoMet: true, rpoMissingBeyondTarget: 0 });
  });

  it('passes only when expectations, both targets and the cleanup hold', () => {
    const r = buildReport(input());
    expect(r.outcome).toBe('passed');
    expect(r.measured).toMatchObject({ rtoSeconds: 20, rtoMet: true, rpoSeconds: 5, rpoMet: true, rpoWrites: 10, acknowledgedWrites: 100 });
    expect(r.targets).toEqual({ rtoSeconds: 60, rpoSeconds: 90 });
    expect(r.warnings).toContain('no traffic hook');
    expect(buildReport(input({}, 61)).outcome).toBe('failed');
    expect(buildReport(input({}, 20, 91)).outcome).toBe('failed');
    expect(buildReport(input({ cleanup: { ok: false, checks: [{ name: 'Every member alive', ok: false, detail: 'dc-2 down' }] } })).outcome).toBe('failed');
    expect(buildReport(input({ expectations: [{ name: 'x', ok: false, detail: 'y' }] })).outcome).toBe('failed');
    expect(buildReport(input({ result: null })).outcome).toBe('error');
  });

  it('an RTO never reached is a missed target, not a pass', () => {
    const i = input();
    i.result = { ...i.result!, rtoTo: { at: null, label: 'healthy' } };
    const r = buildReport(i);
    expect(r.measured).toMatchObject({ rtoSeconds: null, rtoMet: false });
    expect(r.outcome).toBe('failed');
  });

  it('lists steps that did not run and step errors', () => {
    const i = input();
    i.result = { ...i.result!, execution: execution(['succeeded', 'failed', 'pending']), passed: false };
    const r = buildReport(i);
    expect(r.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'not run']);
    expect(r.notRun).toEqual([{ n: 3, title: 'step 3' }]);
    expect(r.errors).toEqual(['Step 2 step 2: SPLIT_BRAIN_RISK — dc-1 writable']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Plan, Step } from '../../../../src/shared/api/runbook-plan';
import type { MemberView, Overview, SiteView } from '../../../../src/shared/monitor';
import { requestRisks } from '../../../../src/renderer/pages/approvals-common/risks';

const green = { level: 'green' as const, reasons: [] };
const NOW = Date.parse('2025-06-01T12:00:00Z');

function member(name: string, stateStr: string, reachable = true): MemberView {
  return { name, stateStr, reachable } as MemberView;
}

function site(name: string, role: 'dc' | 'dr', members: MemberView[], reachable = true): SiteView {
  return { name, role, reachable, lastSeen: null, unreachableSince: reachable ? null : '2025-06-01T11:50:00Z', status: green, app: [], replicaSets: [{ name: `rs-${name}`, primary: null, term: 1, electionDate: null, status: green, members }] };
}

function overview(dcPrimaryUp: boolean, drReachable = true): Overview {
  return {
    topologyName: 't',
    sandbox: true,
    polledAt: null,
    pollIntervalMs: 1000,
    stale: false,
    status: green,
    sites: [site('DC', 'dc', [member('dc-1', dcPrimaryUp ? 'PRIMARY' : 'DOWN', dcPrimaryUp), member('dc-2', 'SECONDARY')]), site('DR', 'dr', [member('dr-1', 'SECONDARY')], drReachable)],
  };
}

function step(n: number, op: string, site: string, extra: Partial<Step> = {}): Step {
  return { n, id: `s${n}`, kind: 'action', title: `step ${n}`, target: { site, replicaSet: null, member: null, host: null }, operation: { op } as Step['operation'], command: '', timeoutMs: 1000, retries: 0, retryDelayMs: 0, idempotent: true, compensation: null, ...extra };
}

function plan(steps: Step[], warnings: string[] = []): Plan {
  return { schema: 'drdesk.plan/1', runbook: 'dr-activation', title: 'DR activation', topology: 't', params: {}, warnings, steps };
}

const pending = (p: unknown) => ({ plan: p, breakGlass: false, expiresAt: '2025-06-01T20:00:00Z', state: 'pending' as const });
const codes = (r: { code: string }[]) => r.map((x) => x.code);

describe('requestRisks', () => {
  it('names the reachable DC primary and the fencing step that deals with it', () => {
    const risks = requestRisks(pending(plan([step(1, 'mongo.fence', 'DC'), step(2, 'guard.siteNotWritable', 'DC'), step(3, 'mongo.promote', 'DR')])), overview(true), NOW);
    const fence = risks.find((r) => r.code === 'FENCE_INCLUDED');
    expect(fence?.text).toBe('DC primary (dc-1) still reachable — fencing step included (step 1), then the split-brain guard (step 2).');
    expect(fence?.level).toBe('yellow');
  });

  it('is red when the plan promotes DR with a reachable DC primary and no fence', () => {
    expect(codes(requestRisks(pending(plan([step(1, 'guard.siteNotWritable', 'DC'), step(2, 'mongo.promote', 'DR')])), overview(true), NOW))).toContain('NO_FENCE');
    const bare = requestRisks(pending(plan([step(1, 'mongo.promote', 'DR')])), overview(true), NOW);
    expect(bare.find((r) => r.code === 'SPLIT_BRAIN')?.level).toBe('red');
  });

  it('says nothing about split brain when the DC primary is down or the plan promotes nothing', () => {
    expect(codes(requestRisks(pending(plan([step(1, 'mongo.fence', 'DC'), step(2, 'mongo.promote', 'DR')])), overview(false), NOW))).not.toContain('FENCE_INCLUDED');
    expect(codes(requestRisks(pending(plan([step(1, 'mongo.stepDown', 'DC')])), overview(true), NOW))).toEqual([]);
  });

  it('adds unreachable sites, plan warnings, non-idempotent steps, break-glass and a close expiry', () => {
    const p = plan([step(1, 'backup.applyLatest', 'DR', { idempotent: false }), step(2, 'manual.confirm', 'DR', { kind: 'manual-confirmation' })], ['No traffic hook is configured.']);
    const risks = requestRisks({ plan: p, breakGlass: true, expiresAt: '2025-06-01T12:10:00Z', state: 'pending' }, overview(false, false), NOW);
    expect(codes(risks)).toEqual(['BREAK_GLASS', 'SITE_UNREACHABLE', 'PLAN_WARNING', 'NOT_IDEMPOTENT', 'MANUAL_STEP', 'EXPIRES_SOON']);
  });

  it('shows a plan that is not a runbook plan without inventing risks, and notes a missing status', () => {
    expect(codes(requestRisks(pending({ steps: 'by hand' }), null, NOW))).toEqual(['NO_STATUS']);
  });
});

import { describe, expect, it } from 'vitest';
import { seal } from '../../../src/main/signing/envelope';
import { DEFAULT_POLICY, policyProblem } from '../../../src/main/approvals/policy';
import { applyRosterChanges, signRosterVersion } from '../../../src/main/approvals/roster';
import { verifyRequest, openRequest } from '../../../src/main/approvals/verify';
import { decide, makeRequest, minutes, team } from './fixtures';

const REASON = 'DC primary is reachable but corrupting writes; fencing is impossible because its SSH host is down.';

describe('break-glass', () => {
  const t = team();

  it('needs a written reason of the policy length', () => {
    expect(() => makeRequest(t, 'break-glass', { reason: 'urgent' })).toThrow(expect.objectContaining({ code: 'BREAK_GLASS_REASON_REQUIRED' }));
  });

  it('is time-bound: the requester cannot ask for more than the policy maximum', () => {
    expect(DEFAULT_POLICY['break-glass'].maxExpiryMinutes).toBe(60);
    expect(() => makeRequest(t, 'break-glass', { reason: REASON, expiresInMinutes: 61 })).toThrow(expect.objectContaining({ code: 'REQUEST_EXPIRY_BEYOND_POLICY' }));
    const req = makeRequest(t, 'break-glass', { reason: REASON });
    expect(Date.parse(openRequest(req).value.expiresAt) - Date.parse(openRequest(req).value.createdAt)).toBe(60 * 60_000);
  });

  it('cannot hide an action: it must carry the exact plan', () => {
    expect(() => makeRequest(t, 'break-glass', { reason: REASON, plan: [] })).toThrow(expect.objectContaining({ code: 'BREAK_GLASS_PLAN_REQUIRED' }));
    expect(() => makeRequest(t, 'break-glass', { reason: REASON, plan: { runbook: 'x', steps: [] } })).toThrow(expect.objectContaining({ code: 'BREAK_GLASS_PLAN_REQUIRED' }));
  });

  it('needs two distinct approvers, and is flagged in the verdict', () => {
    const req = makeRequest(t, 'break-glass', { reason: REASON });
    const one = verifyRequest({ request: req, decisions: [decide(req, t.it)], roster: t.roster, now: minutes(10) });
    expect(one.result).toMatchObject({ breakGlass: true, unlocked: false, state: 'pending' });
    expect(one.result.requirements[0].message).toBe('missing: 1 approver from any group (1 of 2 so far)');
    const twice = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.it, 'approve', minutes(6))], roster: t.roster, now: minutes(10) });
    expect(twice.result.unlocked).toBe(false);
    const two = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.biz)], roster: t.roster, now: minutes(10) });
    expect(two.result).toMatchObject({ breakGlass: true, unlocked: true });
  });

  it('expires on its own short clock', () => {
    const req = makeRequest(t, 'break-glass', { reason: REASON, expiresInMinutes: 15 });
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.biz)], roster: t.roster, now: minutes(16) });
    expect(v.result.state).toBe('expired');
  });

  it('a hand-made break-glass request without reason or plan is refused on verification too', () => {
    const doc = openRequest(makeRequest(t, 'break-glass', { reason: REASON })).value;
    const bad = seal('request', { ...doc, reason: 'now', plan: [] }, t.operator);
    const v = verifyRequest({ request: bad, decisions: [decide(bad, t.it), decide(bad, t.biz)], roster: t.roster, now: minutes(10) });
    expect(v.result.state).toBe('invalid');
    expect(v.result.refusals.map((r) => r.code)).toEqual(['BREAK_GLASS_REASON_REQUIRED', 'BREAK_GLASS_PLAN_REQUIRED']);
  });

  it('the policy cannot be weakened below two approvers, a real reason and a short expiry', () => {
    const weak = (p: Partial<(typeof DEFAULT_POLICY)['break-glass']>) => ({ ...DEFAULT_POLICY, 'break-glass': { ...DEFAULT_POLICY['break-glass'], ...p } });
    expect(policyProblem(weak({ requirements: [{ group: null, count: 1 }] }))).toMatch(/at least 2 approvers/);
    expect(policyProblem(weak({ minReasonLength: 0 }))).toMatch(/written reason/);
    expect(policyProblem(weak({ maxExpiryMinutes: 24 * 60 }))).toMatch(/expire within/);
    const content = applyRosterChanges(t.roster.doc, [{ op: 'set-policy', action: 'break-glass', policy: { requirements: [{ group: 'IT', count: 1 }], maxExpiryMinutes: 60, minReasonLength: 40 } }], DEFAULT_POLICY);
    expect(() => signRosterVersion(t.roster, content, t.admin, minutes(1))).toThrow(expect.objectContaining({ code: 'ROSTER_INVALID', message: expect.stringMatching(/at least 2 approvers/) }));
  });
});

import { describe, expect, it } from 'vitest';
import { DECISION_CLOCK_TOLERANCE_MS, judgeDecision, verifyRequest } from '../../../src/main/approvals/verify';
import { openDecision } from '../../../src/main/approvals/verify';
import { decide, makeRequest, minutes, team } from './fixtures';

/**
 * Expiry judged by the operator's clock. Attack as tried: an approver's clock 5 min slow dated an approval
 * before expiry although it was made 70 s after it; a clock 2 h fast was accepted.
 */
const t = team();
const at = (m: number, s = 0) => new Date(minutes(m).getTime() + s * 1000);

describe('decisions are judged by the clock of the machine that receives them', () => {
  const request = makeRequest(t, 'switchover', { expiresInMinutes: 30 });

  it('an approval dated before expiry by a slow clock but received 70 s after expiry does not count', () => {
    // Made at 30:70 real time; the approver's clock is 5 min slow, so it says 25:70.
    const late = decide(request, t.it, 'approve', at(25, 70));
    const view = judgeDecision(request, [], late, t.roster, at(30, 70));
    expect(view.refusal).toMatchObject({ code: 'DECISION_AFTER_EXPIRY' });
    expect(view.refusal?.message).toMatch(/reached this machine at .*after the request expired .*by this machine's clock, 60 s tolerance/);
  });

  it('the stored receipt time is what later verifications use', () => {
    const late = decide(request, t.it, 'approve', at(25, 70));
    const d = openDecision(late).digest;
    const v = verifyRequest({ request, decisions: [late], roster: t.roster, now: at(29), receivedAt: (x) => (x === d ? at(30, 70).toISOString() : null) });
    expect(v.result.unlocked).toBe(false);
    expect(v.result.refusals.map((r) => r.code)).toContain('DECISION_AFTER_EXPIRY');
  });

  it('an approval received within the tolerance after expiry still counts (the stated 60 s)', () => {
    expect(DECISION_CLOCK_TOLERANCE_MS).toBe(60_000);
    const ok = decide(request, t.it, 'approve', at(29, 50));
    const view = judgeDecision(request, [], ok, t.roster, at(30, 30));
    expect(view.refusal).toBeNull();
    expect(view.counted).toBe(true);
  });

  it('a decision dated 2 h in the future is refused (DECISION_FROM_FUTURE); 30 s ahead is tolerated', () => {
    const open = makeRequest(t, 'switchover', { expiresInMinutes: 600 });
    const future = decide(open, t.it, 'approve', at(125));
    expect(judgeDecision(open, [], future, t.roster, at(5)).refusal).toMatchObject({ code: 'DECISION_FROM_FUTURE' });
    const slightly = decide(open, t.biz, 'approve', at(5, 30));
    expect(judgeDecision(open, [], slightly, t.roster, at(5)).refusal).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src/shared/canonical-json';
import { seal, type Envelope } from '../../../src/main/signing/envelope';
import { DEFAULT_POLICY } from '../../../src/main/approvals/policy';
import { verifyRequest } from '../../../src/main/approvals/verify';
import { openRequest } from '../../../src/main/approvals/verify';
import { decide, makeRequest, minutes, person, rosterOf, T0, team } from './fixtures';

const codes = (v: ReturnType<typeof verifyRequest>) => v.result.refusals.map((r) => r.code);

describe('verifyRequest: DR activation needs one IT AND one business approver', () => {
  const t = team();
  const req = makeRequest(t);

  it('stays locked with only the IT approval, naming the missing business requirement', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it)], roster: t.roster, now: minutes(10) });
    expect(v.result.state).toBe('pending');
    expect(v.result.unlocked).toBe(false);
    const [itReq, bizReq] = v.result.requirements;
    expect(itReq).toMatchObject({ group: 'IT', met: true, approvers: [{ name: 'Ivan IT', group: 'IT' }] });
    expect(bizReq).toMatchObject({ group: 'business', met: false, message: 'missing: 1 approver from business' });
    expect(v.result.summary).toBe('Locked: missing: 1 approver from business.');
  });

  it('unlocks with both, and says who met what', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.biz)], roster: t.roster, now: minutes(10) });
    expect(v.result.state).toBe('approved');
    expect(v.result.unlocked).toBe(true);
    expect(v.result.refusals).toEqual([]);
    expect(v.result.summary).toContain('1 approver from business ("Bea Business" (business))');
  });

  it('two IT approvers do not make up for the business one', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.it2)], roster: t.roster, now: minutes(10) });
    expect(v.result.unlocked).toBe(false);
    expect(v.result.requirements[1].met).toBe(false);
  });

  it('a denial locks the request and names who denied and why', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.biz, 'deny', minutes(6), 'Wait for the DC power estimate.')], roster: t.roster, now: minutes(10) });
    expect(v.result.state).toBe('denied');
    expect(v.result.summary).toBe('Denied by "Bea Business" (business): Wait for the DC power estimate.');
    expect(codes(v)).toContain('REQUEST_DENIED');
  });
});

describe('verifyRequest: each refusal names its reason', () => {
  const t = team();
  const req = makeRequest(t);
  const now = minutes(10);

  it('self-approval: the requester approving their own request', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.operator), decide(req, t.biz)], roster: t.roster, now });
    expect(v.result.unlocked).toBe(false);
    expect(v.result.refusals[0]).toMatchObject({ code: 'SELF_APPROVAL', fingerprint: t.operator.fingerprint });
    expect(v.result.refusals[0].message).toMatch(/made this request and cannot approve it/);
  });

  it('the same approver twice counts once', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it, 'approve', minutes(5)), decide(req, t.it, 'approve', minutes(6))], roster: t.roster, now });
    expect(codes(v)).toEqual(['DUPLICATE_APPROVER']);
    expect(v.result.requirements[0].approvers).toHaveLength(1);
  });

  it('the same approver under a second key id still counts once', () => {
    const again = decide(req, t.it, 'approve', minutes(6));
    const relabelled: Envelope = { ...again, signatures: again.signatures.map((s) => ({ ...s, keyid: 'ivan-laptop-2' })) };
    const policy = { ...DEFAULT_POLICY, 'dr-activation': { ...DEFAULT_POLICY['dr-activation'], requirements: [{ group: 'IT', count: 2 }] } };
    const roster = rosterOf(t.admin, [[t.operator, ['operator'], null], [t.it, ['approver'], 'IT']], policy);
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), relabelled], roster, now });
    expect(codes(v)).toEqual(['DUPLICATE_APPROVER']);
    expect(v.result.requirements[0]).toMatchObject({ met: false, message: 'missing: 1 approver from IT (1 of 2 so far)' });
  });

  it('the same key under a second name still counts once', () => {
    const alias = { ...t.it, name: 'I. IT (second name)' };
    const roster = rosterOf(t.admin, [[t.operator, ['operator'], null], [t.it, ['approver'], 'IT'], [t.biz, ['approver'], 'business']]);
    // A roster cannot even list one key twice…
    expect(() => rosterOf(t.admin, [[t.operator, ['operator'], null], [t.it, ['approver'], 'IT'], [alias, ['approver'], 'business']])).toThrow(/already in the roster under another name/);
    // …and decisions are matched by key: a second name on the same key changes nothing.
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, alias, 'approve', minutes(7))], roster, now });
    expect(codes(v)).toEqual(['DUPLICATE_APPROVER']);
    expect(v.result.unlocked).toBe(false);
  });

  it('an approver who is not in the roster', () => {
    const stranger = person('Sam Stranger');
    const v = verifyRequest({ request: req, decisions: [decide(req, stranger)], roster: t.roster, now });
    expect(v.result.refusals[0]).toMatchObject({ code: 'APPROVER_NOT_IN_ROSTER', fingerprint: stranger.fingerprint });
  });

  it('a roster member who is not an approver', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.viewer)], roster: t.roster, now });
    expect(v.result.refusals[0].code).toBe('APPROVER_NOT_APPROVER');
  });

  it('an approver without a group the policy accepts', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.finance)], roster: t.roster, now });
    expect(v.result.refusals[0].code).toBe('APPROVER_GROUP_NOT_ACCEPTED');
    expect(v.result.refusals[0].message).toContain('IT and business');
  });

  it('an expired request stays on record as expired, approvals or not', () => {
    const short = makeRequest(t, 'dr-activation', { expiresInMinutes: 30 });
    const v = verifyRequest({ request: short, decisions: [decide(short, t.it), decide(short, t.biz)], roster: t.roster, now: minutes(31) });
    expect(v.result.state).toBe('expired');
    expect(v.result.unlocked).toBe(false);
    expect(codes(v)).toContain('REQUEST_EXPIRED');
  });

  it('an approval made after expiry does not count', () => {
    const short = makeRequest(t, 'switchover', { expiresInMinutes: 30 });
    const v = verifyRequest({ request: short, decisions: [decide(short, t.it, 'approve', minutes(31))], roster: t.roster, now: minutes(20) });
    expect(codes(v)).toEqual(['DECISION_AFTER_EXPIRY']);
  });

  it('an approval replayed from another request', () => {
    const other = makeRequest(t);
    const v = verifyRequest({ request: req, decisions: [decide(other, t.it), decide(req, t.biz)], roster: t.roster, now });
    expect(v.result.refusals[0]).toMatchObject({ code: 'APPROVAL_FOR_OTHER_REQUEST' });
    expect(v.result.unlocked).toBe(false);
  });

  it('a request edited after approval (and re-signed by the requester)', () => {
    const approvals = [decide(req, t.it), decide(req, t.biz)];
    const doc = openRequest(req).value;
    const edited = seal('request', { ...doc, plan: { ...(doc.plan as object), steps: [] } }, t.operator);
    const v = verifyRequest({ request: edited, decisions: approvals, roster: t.roster, now });
    expect(codes(v)).toEqual(['REQUEST_CHANGED_SINCE_APPROVAL', 'REQUEST_CHANGED_SINCE_APPROVAL']);
    expect(v.result.unlocked).toBe(false);
  });

  it('a request edited after signing (signature no longer matches)', () => {
    const doc = JSON.parse(Buffer.from(req.payload, 'base64').toString()) as Record<string, unknown>;
    const forged: Envelope = { ...req, payload: Buffer.from(canonicalize({ ...doc, target: 'rs-other' })).toString('base64') };
    expect(() => verifyRequest({ request: forged, decisions: [], roster: t.roster, now })).toThrow(expect.objectContaining({ code: 'REQUEST_SIGNATURE_INVALID' }));
  });

  it('a replayed nonce', () => {
    const v = verifyRequest({ request: req, decisions: [], roster: t.roster, now, nonceUsedBy: () => 'req_AAAAAAAAAAAAAAAAAAAA' });
    expect(v.result.state).toBe('invalid');
    expect(codes(v)).toEqual(['REQUEST_NONCE_REPLAYED']);
  });

  it('a requester who is not an operator', () => {
    const bad = makeRequest(t, 'switchover', { by: t.operator });
    const roster = rosterOf(t.admin, [[t.operator, ['approver'], 'IT'], [t.it, ['approver'], 'IT']]);
    const v = verifyRequest({ request: bad, decisions: [decide(bad, t.it)], roster, now });
    expect(v.result.state).toBe('invalid');
    expect(codes(v)[0]).toBe('REQUESTER_NOT_OPERATOR');
  });

  it('an executed request cannot unlock again', () => {
    const v = verifyRequest({ request: req, decisions: [decide(req, t.it), decide(req, t.biz)], roster: t.roster, now, executedAt: minutes(9).toISOString() });
    expect(v.result.state).toBe('executed');
    expect(v.result.unlocked).toBe(false);
    expect(codes(v)).toContain('REQUEST_ALREADY_EXECUTED');
  });

  it('switchover needs one approver from any group', () => {
    const sw = makeRequest(t, 'switchover');
    expect(verifyRequest({ request: sw, decisions: [decide(sw, t.finance)], roster: t.roster, now }).result.unlocked).toBe(true);
  });

  it('checks that the verdict is computed at the given time', () => {
    expect(verifyRequest({ request: req, decisions: [], roster: t.roster, now: T0 }).result.checkedAt).toBe(T0.toISOString());
  });
});

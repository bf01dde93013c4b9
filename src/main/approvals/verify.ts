import { DeskError } from '../../shared/errors';
import type { DecisionView, PersonRef, RefusalView, RequestState, VerificationResult } from '../../shared/api/approvals';
import { openEnvelope, signedBy, type Envelope, type Opened } from '../signing/envelope';
import { fingerprintOf } from '../signing/keys';
import { evaluateRequirements, groupAccepted, type Approver } from './policy';
import { decisionDocSchema, type DecisionDoc } from './approval';
import { isEmptyPlan, requestDocSchema, type RequestDoc } from './request';
import type { Roster } from './roster';

/**
 * The gate in front of execution. Checks the request (signature, requester's role, expiry within policy,
 * reason, nonce) and each decision (signature, bound to this request's id and digest and checkpoint, a
 * roster approver who is not the requester's person, counted once per person whatever number of keys they
 * hold), then the policy's
 * requirements together. Every refusal carries a stable code and a sentence.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * How far another machine's clock may be ahead of this one when it dates a decision, and how late after a
 * request's expiry a decision may reach this machine. Expiry is judged by this machine's clock: a decision
 * dated before expiry by a slow clock but received well after it does not count.
 */
export const DECISION_CLOCK_TOLERANCE_MS = 60_000;

export interface VerifyInput {
  request: Envelope;
  decisions: Envelope[];
  roster: Roster;
  now: Date;
  /** The id of another request that already used this nonce, if any. */
  nonceUsedBy?: (nonce: string, requestId: string) => string | null;
  executedAt?: string | null;
  /** When this machine received each decision (by digest), by its own clock; `now` for one arriving now. */
  receivedAt?: (digest: string) => string | null;
}

export interface Verified {
  result: VerificationResult;
  request: Opened<RequestDoc>;
  decisions: DecisionView[];
}

function ref(roster: Roster, fingerprint: string): PersonRef {
  const p = roster.person(fingerprint);
  return { fingerprint, name: p?.name ?? null, group: p?.group ?? null };
}

function who(r: PersonRef): string {
  return r.name ? `"${r.name}"${r.group ? ` (${r.group})` : ''}` : `the key ${r.fingerprint}`;
}

/** Opens a request envelope and checks its signature; a DeskError names what is wrong. */
export function openRequest(raw: unknown): Opened<RequestDoc> {
  const opened = openEnvelope(raw, 'request', requestDocSchema, 'request');
  const env = raw as Envelope;
  if (env.signatures.length === 0) throw new DeskError('REQUEST_UNSIGNED', `Request ${opened.value.id} carries no signature: ask the requester to export it again.`);
  if (fingerprintOf(Buffer.from(opened.value.requesterKey, 'base64')) !== opened.value.requester || !signedBy(env, opened.value.requesterKey))
    throw new DeskError('REQUEST_SIGNATURE_INVALID', `Request ${opened.value.id}'s signature does not match its content: it was changed after the requester signed it. Do not act on it; ask for a fresh export.`);
  return opened;
}

/** Opens a decision envelope and checks its signature. */
export function openDecision(raw: unknown): Opened<DecisionDoc> {
  const opened = openEnvelope(raw, 'decision', decisionDocSchema, 'approval');
  const env = raw as Envelope;
  if (env.signatures.length === 0) throw new DeskError('DECISION_UNSIGNED', 'The approval carries no signature: ask the approver to export it again.');
  if (fingerprintOf(Buffer.from(opened.value.approverKey, 'base64')) !== opened.value.approver || !signedBy(env, opened.value.approverKey))
    throw new DeskError('DECISION_SIGNATURE_INVALID', 'The approval\'s signature does not match its content: it was changed after the approver signed it. Ask the approver to export it again.');
  return opened;
}

/** Request-level refusals; `expired` is reported separately because an expired request was still valid. */
function checkRequest(doc: RequestDoc, input: VerifyInput): RefusalView[] {
  const { roster, now } = input;
  const policy = roster.doc.policy[doc.action];
  const out: RefusalView[] = [];
  const add = (code: string, message: string) => out.push({ code, message, fingerprint: doc.requester });
  const requester = roster.person(doc.requester);
  if (!requester) add('REQUESTER_NOT_IN_ROSTER', `The requester ${doc.requester} is not in the roster (version ${roster.doc.version}): only enrolled operators may request.`);
  else if (!requester.roles.includes('operator')) add('REQUESTER_NOT_OPERATOR', `The requester "${requester.name}" is not an operator in the roster: only operators may request.`);
  const created = Date.parse(doc.createdAt);
  const expires = Date.parse(doc.expiresAt);
  if (expires <= created) add('REQUEST_EXPIRY_INVALID', `The request expires (${doc.expiresAt}) before it was created (${doc.createdAt}).`);
  else if (expires - created > policy.maxExpiryMinutes * 60_000)
    add('REQUEST_EXPIRY_BEYOND_POLICY', `The request stays open ${Math.round((expires - created) / 60_000)} minutes; the policy allows at most ${policy.maxExpiryMinutes} for ${doc.action}.`);
  if (created > now.getTime() + CLOCK_SKEW_MS) add('REQUEST_FROM_FUTURE', `The request is dated ${doc.createdAt}, in the future: check the requester's clock and create it again.`);
  if (doc.reason.length < policy.minReasonLength)
    add(
      doc.action === 'break-glass' ? 'BREAK_GLASS_REASON_REQUIRED' : 'REQUEST_REASON_TOO_SHORT',
      `A ${doc.action} request needs a written reason of at least ${policy.minReasonLength} characters; this one has ${doc.reason.length}.`,
    );
  if (doc.action === 'break-glass' && isEmptyPlan(doc.plan)) add('BREAK_GLASS_PLAN_REQUIRED', 'A break-glass request must state the exact plan it runs: this one has none.');
  const other = input.nonceUsedBy?.(doc.nonce, doc.id) ?? null;
  if (other) add('REQUEST_NONCE_REPLAYED', `The request's nonce was already used by request ${other}: this is a replay. Create a new request.`);
  return out;
}

interface Candidate {
  opened: Opened<DecisionDoc>;
  view: DecisionView;
}

function refusal(view: DecisionView, code: string, message: string): void {
  view.counted = false;
  view.refusal = { code, message, decision: view.digest, fingerprint: view.approver.fingerprint };
}

/** Decision-level refusals, in the order an operator would want to hear them. */
function checkDecision(c: Candidate, req: Opened<RequestDoc>, roster: Roster, received: Date): void {
  const d = c.opened.value;
  const r = req.value;
  const v = c.view;
  const policy = roster.doc.policy[r.action];
  const person = roster.person(d.approver);
  if (d.requestId !== r.id)
    return refusal(v, 'APPROVAL_FOR_OTHER_REQUEST', `This approval by ${who(v.approver)} is for request ${d.requestId}, not ${r.id}: an approval replayed from another request does not count.`);
  if (d.requestDigest !== req.digest)
    return refusal(v, 'REQUEST_CHANGED_SINCE_APPROVAL', `${who(v.approver)} approved a different version of request ${r.id}: the request was changed after approval. Have it approved again.`);
  if (d.checkpoint.logId !== r.checkpoint.logId || d.checkpoint.count !== r.checkpoint.count || d.checkpoint.head !== r.checkpoint.head)
    return refusal(v, 'DECISION_CHECKPOINT_MISMATCH', `The approval by ${who(v.approver)} co-signs another audit checkpoint than the request carries: it was not made for this request.`);
  if (d.approverKey === r.requesterKey) return refusal(v, 'SELF_APPROVAL', `${who(v.approver)} made this request and cannot approve it: a second person must approve.`);
  if (person && roster.personId(r.requester) === roster.personId(d.approver))
    return refusal(v, 'SELF_APPROVAL', `${who(v.approver)} is a key of the person who made this request, and cannot approve it: a second person must approve, whatever number of keys the requester holds.`);
  if (!person) return refusal(v, 'APPROVER_NOT_IN_ROSTER', `The approval is signed by ${d.approver}, which is not in the roster (version ${roster.doc.version}): only enrolled approvers count.`);
  if (!person.roles.includes('approver')) return refusal(v, 'APPROVER_NOT_APPROVER', `"${person.name}" is in the roster but not as an approver: their approval does not count.`);
  if (!groupAccepted(policy, person.group))
    return refusal(v, 'APPROVER_GROUP_NOT_ACCEPTED', `"${person.name}" approves for group ${person.group}, which no requirement of the ${r.action} policy accepts: ${policy.requirements.map((q) => q.group ?? 'any group').join(' and ')}.`);
  const t = Date.parse(d.createdAt);
  if (t > Date.parse(r.expiresAt)) return refusal(v, 'DECISION_AFTER_EXPIRY', `${who(v.approver)} decided at ${d.createdAt}, after the request expired at ${r.expiresAt}: it does not count.`);
  const tolerance = DECISION_CLOCK_TOLERANCE_MS / 1000;
  if (t > received.getTime() + DECISION_CLOCK_TOLERANCE_MS)
    return refusal(v, 'DECISION_FROM_FUTURE', `${who(v.approver)}'s decision is dated ${d.createdAt}, more than ${tolerance} s after this machine received it (${received.toISOString()}): that machine's clock is ahead. Fix its clock and decide again.`);
  if (received.getTime() > Date.parse(r.expiresAt) + DECISION_CLOCK_TOLERANCE_MS)
    return refusal(v, 'DECISION_AFTER_EXPIRY', `${who(v.approver)}'s decision reached this machine at ${received.toISOString()}, after the request expired at ${r.expiresAt} (by this machine's clock, ${tolerance} s tolerance): it does not count, whatever date the approver's clock gave it.`);
  if (t < Date.parse(r.createdAt) - CLOCK_SKEW_MS) return refusal(v, 'DECISION_BEFORE_REQUEST', `${who(v.approver)}'s decision is dated before the request was created: check that machine's clock.`);
}

function decisionView(opened: Opened<DecisionDoc>, roster: Roster): DecisionView {
  const d = opened.value;
  return {
    digest: opened.digest,
    requestId: d.requestId,
    decision: d.decision,
    approver: ref(roster, d.approver),
    comment: d.comment,
    createdAt: d.createdAt,
    checkpoint: d.checkpoint,
    counted: true,
    refusal: null,
  };
}

export function verifyRequest(input: VerifyInput): Verified {
  const { roster, now } = input;
  const req = openRequest(input.request);
  const r = req.value;
  const requestRefusals = checkRequest(r, input);
  const refusals = [...requestRefusals];
  const views: DecisionView[] = [];
  const candidates: Candidate[] = [];
  for (const raw of input.decisions) {
    try {
      const opened = openDecision(raw);
      const view = decisionView(opened, roster);
      views.push(view);
      candidates.push({ opened, view });
    } catch (err) {
      const e = err instanceof DeskError ? err : new DeskError('DECISION_MALFORMED', String(err));
      refusals.push({ code: e.code, message: e.message });
    }
  }
  candidates.sort((a, b) => a.opened.value.createdAt.localeCompare(b.opened.value.createdAt) || a.view.digest.localeCompare(b.view.digest));
  const seenPersons = new Map<string, DecisionView>();
  for (const c of candidates) {
    const got = input.receivedAt?.(c.view.digest);
    checkDecision(c, req, roster, got ? new Date(got) : now);
    if (!c.view.counted) continue;
    // Counted decisions come from roster keys; a person is one approver whatever number of keys they hold.
    const personKey = roster.personId(c.opened.value.approver) ?? c.opened.value.approverKey;
    const first = seenPersons.get(personKey);
    // A deny outweighs an approval by the same person; otherwise one person counts once, whatever key, id or name.
    if (first && !(first.decision === 'approve' && c.view.decision === 'deny')) {
      refusal(c.view, 'DUPLICATE_APPROVER', `${who(c.view.approver)} already decided on this request${first.approver.fingerprint === c.view.approver.fingerprint ? '' : ` with another key (${who(first.approver)})`}: one person counts once, whatever number of keys they hold.`);
    } else {
      if (first) refusal(first, 'SUPERSEDED_BY_DENIAL', `${who(first.approver)} later denied this request; the denial stands.`);
      seenPersons.set(personKey, c.view);
    }
  }
  for (const c of candidates) if (c.view.refusal) refusals.push(c.view.refusal);
  const counted = candidates.filter((c) => c.view.counted);
  const approvers: Approver[] = counted.filter((c) => c.view.decision === 'approve').map((c) => ({ ...c.view.approver }));
  const requirements = evaluateRequirements(roster.doc.policy[r.action], approvers);
  const denial = counted.find((c) => c.view.decision === 'deny')?.view;
  const expired = now.getTime() > Date.parse(r.expiresAt);
  const allMet = requirements.every((q) => q.met);
  let state: RequestState;
  let summary: string;
  if (requestRefusals.length > 0) {
    state = 'invalid';
    summary = `Locked: ${requestRefusals[0].message}`;
  } else if (input.executedAt) {
    state = 'executed';
    summary = `Executed at ${input.executedAt}: a request runs once; create a new one to run again.`;
    refusals.push({ code: 'REQUEST_ALREADY_EXECUTED', message: summary });
  } else if (denial) {
    state = 'denied';
    summary = `Denied by ${who(denial.approver)}: ${denial.comment}`;
    refusals.push({ code: 'REQUEST_DENIED', message: summary, decision: denial.digest, fingerprint: denial.approver.fingerprint });
  } else if (expired) {
    state = 'expired';
    summary = `Expired at ${r.expiresAt}: it can no longer run. Create a new request (this one stays on record).`;
    refusals.push({ code: 'REQUEST_EXPIRED', message: summary });
  } else if (allMet) {
    state = 'approved';
    summary = `Unlocked: ${requirements.map((q) => `${q.label} (${q.approvers.map(who).join(', ')})`).join('; ')}.`;
  } else {
    state = 'pending';
    summary = `Locked: ${requirements
      .filter((q) => !q.met)
      .map((q) => q.message)
      .join('; ')}.`;
  }
  const result: VerificationResult = {
    requestId: r.id,
    requestDigest: req.digest,
    state,
    unlocked: state === 'approved',
    breakGlass: r.action === 'break-glass',
    expiresAt: r.expiresAt,
    checkedAt: now.toISOString(),
    requirements,
    refusals,
    summary,
  };
  return { result, request: req, decisions: views };
}

/**
 * The verdict on one new decision added to a request's others. Of two decisions by one key, the one
 * arriving second is the duplicate, whichever sorts first — except a denial after an approval, which stands.
 */
export function judgeDecision(request: Envelope, others: Envelope[], env: Envelope, roster: Roster, now: Date): DecisionView {
  const opened = openDecision(env);
  const v = verifyRequest({ request, decisions: [...others, env], roster, now });
  const view = v.decisions.find((d) => d.digest === opened.digest);
  if (!view) throw new DeskError('DECISION_MALFORMED', 'The approval could not be evaluated: export it again on the approver\'s machine.');
  const mine = opened.value;
  const mePerson = roster.personId(mine.approver) ?? mine.approver;
  const prior = v.decisions.find((d) => d.digest !== opened.digest && (roster.personId(d.approver.fingerprint) ?? d.approver.fingerprint) === mePerson && !(d.decision === 'approve' && mine.decision === 'deny'));
  if (view.refusal || !prior) return view;
  return {
    ...view,
    counted: false,
    refusal: {
      code: 'DUPLICATE_APPROVER',
      message: `${who(view.approver)} already ${prior.decision === 'approve' ? 'approved' : 'denied'} this request at ${prior.createdAt}${prior.approver.fingerprint === mine.approver ? '' : ` with another key (${who(prior.approver)})`}: one person counts once, whatever number of keys they hold.`,
      decision: view.digest,
      fingerprint: mine.approver,
    },
  };
}

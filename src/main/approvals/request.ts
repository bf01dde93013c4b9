import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { canonicalize } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import { APPROVAL_ACTIONS, type ApprovalPolicy, type CreateRequestInput } from '../../shared/api/approvals';
import { seal, type Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import { checkpointRefSchema, type CheckpointRef } from '../audit/checkpoint';
import { digestOf, isFingerprint, isPublicKey } from '../signing/keys';
import type { Roster } from './roster';

/**
 * A request: what will run (the exact plan), where, why, until when, on which observed status, and the
 * requester's audit checkpoint — canonical JSON signed by the requester. Its digest is what approvers sign.
 */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
export const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a 128-bit nonce in base64url');

export const requestDocSchema = z.strictObject({
  type: z.literal('drdesk.request'),
  id: z.string().regex(/^req_[A-Za-z0-9_-]{20}$/, 'a request id "req_…"'),
  action: z.enum(APPROVAL_ACTIONS),
  target: z.string().min(1).max(200),
  reason: z.string().max(4000),
  plan: z.unknown().refine((v) => v !== undefined, 'the plan that will run'),
  statusDigest: z.string().regex(SHA256_DIGEST),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  nonce: nonceSchema,
  requester: z.string().refine(isFingerprint),
  requesterKey: z.string().refine(isPublicKey),
  checkpoint: checkpointRefSchema,
});
export type RequestDoc = z.infer<typeof requestDocSchema>;


/** No plan at all: null, [], {}, or a plan object whose steps list is empty. */
export function isEmptyPlan(plan: unknown): boolean {
  if (plan === null || plan === undefined) return true;
  if (Array.isArray(plan)) return plan.length === 0;
  if (typeof plan !== 'object') return false;
  const steps = (plan as { steps?: unknown }).steps;
  return Object.keys(plan).length === 0 || (Array.isArray(steps) && steps.length === 0);
}

export function planDigestOf(plan: unknown): string {
  return digestOf(canonicalize(plan));
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** sha256 of the canonical status snapshot; "no snapshot" is hashed as null, so it is still stated. */
export function statusDigestOf(snapshot: unknown): string {
  return digestOf(canonicalize(snapshot ?? null));
}

/** JSON as it will travel: drops undefined properties like JSON does, but refuses NaN and Infinity. */
export function plainJson(value: unknown, what: string): unknown {
  const text = JSON.stringify(value ?? null, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new DeskError('BAD_INPUT', `The ${what} holds the number ${v}, which JSON cannot carry: fix the value.`);
    return v;
  });
  return JSON.parse(text) as unknown;
}

function refuse(code: string, message: string): DeskError {
  return new DeskError(code, message);
}

/** Builds and signs a request after the checks a requester can fix before sending it anywhere. */
export function createRequest(input: CreateRequestInput, opts: { signer: Signer; roster: Roster; policy: ApprovalPolicy; checkpoint: CheckpointRef; now: Date }): Envelope {
  const { signer, roster, now } = opts;
  const policy = opts.policy[input.action];
  const me = roster.person(signer.fingerprint);
  if (!me) throw refuse('REQUESTER_NOT_IN_ROSTER', `"${signer.name}" (${signer.fingerprint}) is not in the roster: ask an admin to enroll this identity as an operator.`);
  if (!me.roles.includes('operator')) throw refuse('REQUESTER_NOT_OPERATOR', `"${me.name}" is not an operator in the roster: only operators create requests; ask an admin for the operator role.`);
  const reason = input.reason.trim();
  if (reason.length < policy.minReasonLength)
    throw refuse(
      input.action === 'break-glass' ? 'BREAK_GLASS_REASON_REQUIRED' : 'REQUEST_REASON_TOO_SHORT',
      `A ${input.action} request needs a written reason of at least ${policy.minReasonLength} characters (this one has ${reason.length}): say what happened and why this action.`,
    );
  if (input.action === 'break-glass' && isEmptyPlan(input.plan))
    throw refuse('BREAK_GLASS_PLAN_REQUIRED', 'A break-glass request must carry the exact plan it will run: break-glass cannot authorize an unstated action.');
  const minutes = input.expiresInMinutes ?? policy.maxExpiryMinutes;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > policy.maxExpiryMinutes)
    throw refuse('REQUEST_EXPIRY_BEYOND_POLICY', `A ${input.action} request may stay open 1 to ${policy.maxExpiryMinutes} minutes by policy; ${minutes} was asked.`);
  const doc: RequestDoc = {
    type: 'drdesk.request',
    id: `req_${randomBytes(15).toString('base64url')}`,
    action: input.action,
    target: input.target,
    reason,
    plan: input.plan as RequestDoc['plan'],
    statusDigest: statusDigestOf(input.statusSnapshot),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
    nonce: newNonce(),
    requester: signer.fingerprint,
    requesterKey: signer.publicKey,
    checkpoint: opts.checkpoint,
  };
  const parsed = requestDocSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeskError('BAD_INPUT', `The request's ${issue.path.join('.')} is invalid: ${issue.message}.`, { field: issue.path.join('.') });
  }
  return seal('request', doc, signer);
}

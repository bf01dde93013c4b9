import { z } from 'zod';
import { APPROVAL_ACTIONS, type ActionPolicy, type ApprovalAction, type ApprovalPolicy, type PersonRef, type RequirementView } from '../../shared/api/approvals';

/**
 * Approval policy per action. Requirements hold together ("1 IT AND 1 business"); each approver counts once,
 * toward one requirement. The policy lives in the signed roster, so weakening it takes an admin's signature.
 */
export const GROUP = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;

export const actionPolicySchema = z.strictObject({
  requirements: z
    .array(z.strictObject({ group: z.string().regex(GROUP, 'a group name such as "IT" or "business"').nullable(), count: z.number().int().min(1).max(10) }))
    .min(1, 'at least one approval requirement: every action needs a second person'),
  maxExpiryMinutes: z.number().int().min(1).max(60 * 24 * 30),
  minReasonLength: z.number().int().min(0).max(2000),
});

export const policySchema = z.strictObject(Object.fromEntries(APPROVAL_ACTIONS.map((a) => [a, actionPolicySchema])) as Record<ApprovalAction, typeof actionPolicySchema>);

export const BREAK_GLASS_MIN_REASON = 20;
export const BREAK_GLASS_MAX_EXPIRY_MINUTES = 240;

export const DEFAULT_POLICY: ApprovalPolicy = {
  switchover: { requirements: [{ group: null, count: 1 }], maxExpiryMinutes: 24 * 60, minReasonLength: 10 },
  'dr-activation': {
    requirements: [
      { group: 'IT', count: 1 },
      { group: 'business', count: 1 },
    ],
    maxExpiryMinutes: 8 * 60,
    minReasonLength: 10,
  },
  failback: {
    requirements: [
      { group: 'IT', count: 1 },
      { group: 'business', count: 1 },
    ],
    maxExpiryMinutes: 24 * 60,
    minReasonLength: 10,
  },
  drill: { requirements: [{ group: null, count: 1 }], maxExpiryMinutes: 7 * 24 * 60, minReasonLength: 10 },
  'break-glass': { requirements: [{ group: null, count: 2 }], maxExpiryMinutes: 60, minReasonLength: 40 },
};

/** Refuses a policy that would let break-glass become a quiet shortcut; returns the problem or null. */
export function policyProblem(policy: ApprovalPolicy): string | null {
  const bg = policy['break-glass'];
  const people = bg.requirements.reduce((n, r) => n + r.count, 0);
  if (people < 2) return 'break-glass needs at least 2 approvers';
  if (bg.minReasonLength < BREAK_GLASS_MIN_REASON) return `break-glass needs a written reason of at least ${BREAK_GLASS_MIN_REASON} characters`;
  if (bg.maxExpiryMinutes > BREAK_GLASS_MAX_EXPIRY_MINUTES) return `break-glass must expire within ${BREAK_GLASS_MAX_EXPIRY_MINUTES} minutes`;
  return null;
}

export function requirementLabel(group: string | null, count: number): string {
  return `${count} approver${count === 1 ? '' : 's'} from ${group === null ? 'any group' : group}`;
}

export interface Approver extends PersonRef {
  group: string | null;
}

/**
 * Assigns distinct approvers to requirements: named groups first (an approver fits only their own group),
 * then "any group" from those left. Each person has one group, so this greedy order is optimal.
 */
export function evaluateRequirements(policy: ActionPolicy, approvers: Approver[]): RequirementView[] {
  const left = [...approvers];
  const take = (group: string | null, n: number): Approver[] => {
    const picked: Approver[] = [];
    for (let i = 0; i < left.length && picked.length < n; ) {
      if (group === null || left[i].group === group) picked.push(...left.splice(i, 1));
      else i++;
    }
    return picked;
  };
  const named = policy.requirements.map((r) => (r.group === null ? null : take(r.group, r.count)));
  return policy.requirements.map((r, i) => {
    const got = named[i] ?? take(null, r.count);
    const met = got.length >= r.count;
    const label = requirementLabel(r.group, r.count);
    const missing = r.count - got.length;
    return {
      label,
      group: r.group,
      needed: r.count,
      met,
      approvers: got.map(({ fingerprint, name, group }) => ({ fingerprint, name, group })),
      message: met ? `met: ${label}` : `missing: ${requirementLabel(r.group, missing)}${got.length ? ` (${got.length} of ${r.count} so far)` : ''}`,
    };
  });
}

/** Whether some requirement of the policy accepts an approver of this group. */
export function groupAccepted(policy: ActionPolicy, group: string | null): boolean {
  return policy.requirements.some((r) => r.group === null || r.group === group);
}

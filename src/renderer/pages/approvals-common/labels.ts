import type { ApprovalAction, PersonRef, RequestState, RequirementView } from '../../../shared/api/approvals';
import type { Level } from '../../../shared/status';
import { formatDuration } from '../../format/time';

export const ACTION_LABEL: Record<ApprovalAction, string> = {
  switchover: 'Switchover',
  'dr-activation': 'DR activation',
  failback: 'Failback',
  drill: 'Drill',
  'break-glass': 'Break-glass',
};

export const STATE_LABEL: Record<RequestState, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  invalid: 'Invalid',
  executed: 'Executed',
};

export const STATE_LEVEL: Record<RequestState, Level> = {
  pending: 'yellow',
  approved: 'green',
  denied: 'red',
  expired: 'unknown',
  invalid: 'red',
  executed: 'unknown',
};

/** "SHA256:abcdefgh…" — enough to tell keys apart in a table; the whole one is in the title. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 19 ? `${fingerprint.slice(0, 19)}…` : fingerprint;
}

export function personName(p: PersonRef): string {
  return p.name ?? 'not in the roster';
}

/** "IT approver", "2 business approvers", "Approver from any group". */
export function requirementTitle(r: Pick<RequirementView, 'group' | 'needed'>): string {
  const who = r.group ?? 'any group';
  if (r.needed === 1) return r.group ? `${who} approver` : 'Approver (any group)';
  return r.group ? `${r.needed} ${who} approvers` : `${r.needed} approvers (any group)`;
}

/** "in 7 h 59 min" or "expired 3 min ago". */
export function expiryText(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  return ms > 0 ? `in ${formatDuration(ms)}` : `expired ${formatDuration(-ms)} ago`;
}

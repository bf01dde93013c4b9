import { DeskError } from '../../shared/errors';
import type { ApprovalAction, RequestDetail, RequestSummary, VerificationResult } from '../../shared/api/approvals';
import type { Roster } from './roster';
import { planDigestOf } from './request';
import { envelopeOf, type ApprovalsStore, type RequestRow } from './store';
import { verifyRequest, type Verified } from './verify';

/**
 * Builds what the UI shows for a stored request: its content as signed, every decision, and the verdict
 * recomputed now against the current roster and policy (never a stored verdict).
 */
export function verifyRow(store: ApprovalsStore, row: RequestRow, roster: Roster | null, now: Date): Verified | { error: DeskError } {
  if (!roster) return { error: new DeskError('ROSTER_MISSING', 'There is no roster on this machine: import the team\'s roster before requests can be verified.') };
  try {
    const rows = store.decisions(row.id);
    const received = new Map(rows.map((d) => [d.digest, d.received_at]));
    return verifyRequest({
      request: envelopeOf(row.envelope),
      decisions: rows.map((d) => envelopeOf(d.envelope)),
      receivedAt: (digest) => received.get(digest) ?? null,
      roster,
      now,
      nonceUsedBy: (nonce, id) => {
        const other = store.requestByNonce(nonce);
        return other && other.id !== id ? other.id : null;
      },
      executedAt: row.executed_at,
    });
  } catch (err) {
    return { error: err instanceof DeskError ? err : new DeskError('REQUEST_UNREADABLE', (err as Error).message) };
  }
}

function failed(row: RequestRow, error: DeskError, now: Date): VerificationResult {
  return {
    requestId: row.id,
    requestDigest: row.digest,
    state: 'invalid',
    unlocked: false,
    breakGlass: row.action === 'break-glass',
    expiresAt: row.expires_at,
    checkedAt: now.toISOString(),
    requirements: [],
    refusals: [{ code: error.code, message: error.message }],
    summary: `Locked: ${error.message}`,
  };
}

export function requestDetail(store: ApprovalsStore, row: RequestRow, roster: Roster | null, now: Date): RequestDetail {
  const v = verifyRow(store, row, roster, now);
  const person = (fp: string) => ({ fingerprint: fp, name: roster?.person(fp)?.name ?? null, group: roster?.person(fp)?.group ?? null });
  if ('error' in v) {
    return {
      id: row.id,
      digest: row.digest,
      action: row.action as ApprovalAction,
      target: '',
      reason: '',
      requester: person(row.requester),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      breakGlass: row.action === 'break-glass',
      state: 'invalid',
      unlocked: false,
      origin: row.origin,
      decisions: store.decisions(row.id).length,
      plan: null,
      planDigest: '',
      statusDigest: '',
      statusSnapshot: null,
      nonce: row.nonce,
      checkpoint: { logId: '', count: 0, head: '', time: row.created_at, signer: row.requester },
      decisionsList: [],
      verification: failed(row, v.error, now),
      executedAt: row.executed_at,
    };
  }
  const r = v.request.value;
  return {
    id: r.id,
    digest: v.request.digest,
    action: r.action,
    target: r.target,
    reason: r.reason,
    requester: person(r.requester),
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    breakGlass: v.result.breakGlass,
    state: v.result.state,
    unlocked: v.result.unlocked,
    origin: row.origin,
    decisions: v.decisions.length,
    plan: r.plan,
    planDigest: planDigestOf(r.plan),
    statusDigest: r.statusDigest,
    statusSnapshot: row.status_snapshot === null ? null : (JSON.parse(row.status_snapshot) as unknown),
    nonce: r.nonce,
    checkpoint: r.checkpoint,
    decisionsList: v.decisions,
    verification: v.result,
    executedAt: row.executed_at,
  };
}

export function requestSummary(d: RequestDetail): RequestSummary {
  return {
    id: d.id,
    digest: d.digest,
    action: d.action,
    target: d.target,
    reason: d.reason,
    requester: d.requester,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
    breakGlass: d.breakGlass,
    state: d.state,
    unlocked: d.unlocked,
    origin: d.origin,
    decisions: d.decisions,
  };
}

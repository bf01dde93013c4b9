import type { RequestDetail } from '../../shared/api/approvals';
import type { DrillReport, ReportApproval } from '../../shared/api/drill-report';
import type { DeskApprovals } from '../approvals/desk-approvals';

export interface DrillApprovalResult {
  requestId: string;
  /** The plan digest the approvers signed (through the request digest). */
  planDigest: string;
  request: NonNullable<DrillReport['request']>;
  approvals: ReportApproval[];
  policy: NonNullable<DrillReport['policy']>;
  breakGlass: DrillReport['breakGlass'];
}

/** A verified request as the report shows it: approvers (name, group, fingerprint, comment, time), policy, expiry. */
export function approvalResult(detail: RequestDetail): DrillApprovalResult {
  const approvers = detail.decisionsList.filter((d) => d.decision === 'approve' && d.counted);
  // An executed request is no longer "unlocked" (it runs once), but its policy was met when it started.
  const satisfied = detail.verification.unlocked || (detail.state === 'executed' && detail.verification.requirements.every((r) => r.met));
  return {
    requestId: detail.id,
    planDigest: detail.planDigest,
    request: { id: detail.id, reason: detail.reason, createdAt: detail.createdAt, expiresAt: detail.expiresAt },
    approvals: approvers.map((d) => ({ name: d.approver.name ?? '(not in roster)', group: d.approver.group ?? '—', fingerprint: d.approver.fingerprint, comment: d.comment, at: d.createdAt })),
    policy: { description: detail.verification.requirements.map((r) => r.label).join(' AND '), satisfied, expiresAt: detail.expiresAt },
    breakGlass: detail.breakGlass ? { reason: detail.reason, approvers: approvers.map((d) => d.approver.name ?? d.approver.fingerprint) } : null,
  };
}

/**
 * A signed checkpoint of the operator's audit log now, with the signature that verifies it. For an
 * execution's report (`forRequest`), the same checkpoint also travels as the export an approver's machine
 * co-signs, so the head the approvers receive with the result is the head they attest.
 */
export async function auditCheckpoint(a: DeskApprovals, forRequest?: string | null): Promise<NonNullable<DrillReport['audit']['checkpoint']>> {
  const signer = await a.identity.signer();
  const ref = a.auditLog.checkpoint(signer);
  const env = a.auditLog.checkpoints().find((c) => c.count === ref.count && c.head === ref.head)?.envelope;
  const token = forRequest === undefined ? undefined : (await a.exportCheckpoint(forRequest)).token;
  return { entries: ref.count, headHash: ref.head, signedBy: signer.name, fingerprint: ref.signer, signature: env?.signatures[0]?.sig ?? '', at: ref.time, ...(token ? { token } : {}) };
}


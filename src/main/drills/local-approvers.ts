import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ApprovalAction, RequestDetail } from '../../shared/api/approvals';
import type { DrillReport } from '../../shared/api/drill-report';
import { DeskError } from '../../shared/errors';
import { DeskApprovals } from '../approvals/desk-approvals';
import { FileRosterSource } from '../approvals/roster-source';
import { MemorySecretStore } from '../store/memory-secret-store';
import type { DrillApprovalResult, DrillApprovals, DrillAudit } from './types';

/**
 * Three workstations in one process for a headless drill: the operator's, and two approvers' (one IT, one
 * business), each with its own database, keychain (in memory) and Ed25519 identity. Requests and approvals
 * travel between them as exported tokens, exactly as they would between machines; the operator's engine
 * verifies the policy before anything runs.
 */
export interface LocalDrillDesks {
  operator: DeskApprovals;
  approvals: DrillApprovals;
  audit: DrillAudit;
  operatorName: string;
  close(): void;
}

function open(dir: string, name: string): { a: DeskApprovals; db: Database.Database } {
  const db = new Database(join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  return { a: new DeskApprovals({ db, secrets: new MemorySecretStore(), roster: new FileRosterSource(join(dir, `${name}-roster.json`)) }), db };
}

export function approvalResult(detail: RequestDetail): DrillApprovalResult {
  const approvers = detail.decisionsList.filter((d) => d.decision === 'approve' && d.counted);
  return {
    requestId: detail.id,
    planDigest: detail.planDigest,
    request: { id: detail.id, reason: detail.reason, createdAt: detail.createdAt, expiresAt: detail.expiresAt },
    approvals: approvers.map((d) => ({ name: d.approver.name ?? '(not in roster)', group: d.approver.group ?? '—', fingerprint: d.approver.fingerprint, comment: d.comment, at: d.createdAt })),
    policy: { description: detail.verification.requirements.map((r) => r.label).join(' AND '), satisfied: detail.verification.unlocked, expiresAt: detail.expiresAt },
    breakGlass: detail.breakGlass ? { reason: detail.reason, approvers: approvers.map((d) => d.approver.name ?? d.approver.fingerprint) } : null,
  };
}

export async function auditCheckpoint(a: DeskApprovals): Promise<NonNullable<DrillReport['audit']['checkpoint']>> {
  const signer = await a.identity.signer();
  const ref = a.auditLog.checkpoint(signer);
  const env = a.auditLog.checkpoints().find((c) => c.count === ref.count && c.head === ref.head)?.envelope;
  return { entries: ref.count, headHash: ref.head, signedBy: signer.name, fingerprint: ref.signer, signature: env?.signatures[0]?.sig ?? '', at: ref.time };
}

export async function createLocalDrillDesks(dir: string): Promise<LocalDrillDesks> {
  const op = open(dir, 'operator');
  const it = open(dir, 'approver-it');
  const biz = open(dir, 'approver-business');
  const operatorName = 'Olivia Operator (drill)';
  await op.a.createIdentity(operatorName);
  await op.a.initRoster();
  await it.a.createIdentity('Ivan IT (test approver)');
  await biz.a.createIdentity('Bea Business (test approver)');
  const itToken = await it.a.exportEnrollmentToken();
  const bizToken = await biz.a.exportEnrollmentToken();
  await op.a.proposeRosterChange([
    { op: 'add', enrollmentToken: itToken.token, roles: ['approver'], group: 'IT' },
    { op: 'add', enrollmentToken: bizToken.token, roles: ['approver'], group: 'business' },
  ]);
  const roster = await op.a.exportRoster();
  const adminFp = op.a.getIdentity()!.fingerprint;
  for (const x of [it, biz]) await x.a.applyRosterChange(roster.token, adminFp);

  const approvals: DrillApprovals = {
    async approve({ target, reason, plan }) {
      const action = plan.runbook as ApprovalAction;
      const req = await op.a.createRequest({ action, target, reason, plan, expiresInMinutes: 60 });
      const sent = await op.a.exportRequest(req.id);
      for (const [x, comment] of [
        [it, 'Drill plan reviewed: targets and fencing as expected.'],
        [biz, 'Approved for the drill window.'],
      ] as const) {
        await x.a.importRequest(sent.token);
        const { export: back } = await x.a.decide(req.id, 'approve', comment);
        await op.a.importApproval(back.token, req.id);
      }
      const detail = await op.a.authorizeExecution(req.id);
      if (!detail.unlocked) throw new DeskError('EXECUTION_LOCKED', detail.verification.summary);
      return approvalResult(detail);
    },
  };
  const audit: DrillAudit = {
    sink: op.a.auditSink(),
    count: () => op.a.auditLog.head().count,
    checkpoint: () => auditCheckpoint(op.a),
  };
  return {
    operator: op.a,
    approvals,
    audit,
    operatorName,
    close: () => [op, it, biz].forEach((x) => x.db.close()),
  };
}

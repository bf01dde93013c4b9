import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ApprovalAction } from '../../shared/api/approvals';
import { DeskError } from '../../shared/errors';
import { DeskApprovals } from '../approvals/desk-approvals';
import { FileRosterSource } from '../approvals/roster-source';
import { MemorySecretStore } from '../store/memory-secret-store';
import { approvalResult, auditCheckpoint } from './approval-report';
import type { DrillApprovals, DrillAudit } from './types';

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
  /** Has both test approvers approve a request the operator made (without authorizing its execution). */
  cosign(requestId: string): Promise<void>;
  close(): void;
}

function open(dir: string, name: string): { a: DeskApprovals; db: Database.Database } {
  const db = new Database(join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  return { a: new DeskApprovals({ db, secrets: new MemorySecretStore(), roster: new FileRosterSource(join(dir, `${name}-roster.json`)) }), db };
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

  /** The request travels to each approver as a token, each approves, the approvals travel back. */
  async function cosign(requestId: string): Promise<void> {
    const sent = await op.a.exportRequest(requestId);
    for (const [x, comment] of [
      [it, 'Drill plan reviewed: targets and fencing as expected.'],
      [biz, 'Approved for the drill window.'],
    ] as const) {
      await x.a.importRequest(sent.token);
      const { export: back } = await x.a.decide(requestId, 'approve', comment);
      await op.a.importApproval(back.token, requestId);
    }
  }
  const approvals: DrillApprovals = {
    async approve({ target, reason, plan }) {
      const req = await op.a.createRequest({ action: plan.runbook as ApprovalAction, target, reason, plan, expiresInMinutes: 60 });
      await cosign(req.id);
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
    cosign,
    close: () => [op, it, biz].forEach((x) => x.db.close()),
  };
}

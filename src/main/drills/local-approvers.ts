import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ApprovalAction, ExportedItem } from '../../shared/api/approvals';
import { DeskError } from '../../shared/errors';
import { DeskApprovals } from '../approvals/desk-approvals';
import { FileRosterSource } from '../approvals/roster-source';
import { MemorySecretStore } from '../store/memory-secret-store';
import { approvalResult, auditCheckpoint } from '../reports/approval-report';
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
  /** The IT approver's machine co-signs an operator's checkpoint export; returns what goes back. */
  witness(text: string): Promise<ExportedItem>;
  close(): void;
}

function open(dir: string, name: string): { a: DeskApprovals; db: Database.Database } {
  const db = new Database(join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  return { a: new DeskApprovals({ db, secrets: new MemorySecretStore(), roster: new FileRosterSource(join(dir, `${name}-roster.json`)) }), db };
}

/** The two test approvers (IT and business) on workstations of their own, enrolled in an operator's roster. */
export interface TestApprovers {
  names: string[];
  /** Has both approve a request `operator` made: the request travels to each as a token, the approvals come back. */
  cosign(requestId: string): Promise<void>;
  /** The IT approver's machine co-signs an operator's checkpoint export; returns what goes back. */
  witness(text: string): Promise<ExportedItem>;
  close(): void;
}

/**
 * Enrolls the two test approvers into `operator`'s roster (which it administers): the drills' identities,
 * also used by tests that drive a Desk's own approvals engine.
 */
export async function enrollTestApprovers(operator: DeskApprovals, dir: string): Promise<TestApprovers> {
  const it = open(dir, 'approver-it');
  const biz = open(dir, 'approver-business');
  await it.a.createIdentity('Ivan IT (test approver)');
  await biz.a.createIdentity('Bea Business (test approver)');
  const itToken = await it.a.exportEnrollmentToken();
  const bizToken = await biz.a.exportEnrollmentToken();
  const adminFp = operator.getIdentity()!.fingerprint;
  // The roster needs two admins for these changes: Ivan joins as the second admin (co-signing the version
  // that adds him), then co-signs the one adding Bea and making the operator an operator.
  const join = await operator.proposeRosterChange([{ op: 'add', enrollmentToken: itToken.token, roles: ['approver', 'admin'], group: 'IT' }]);
  await operator.applyRosterChange((await it.a.cosignRosterChange(join.export.token, adminFp)).export.token);
  const more = await operator.proposeRosterChange([
    { op: 'add', enrollmentToken: bizToken.token, roles: ['approver'], group: 'business' },
    { op: 'update', fingerprint: adminFp, roles: ['operator', 'admin'] },
  ]);
  await operator.applyRosterChange((await it.a.cosignRosterChange(more.export.token)).export.token);
  const roster = await operator.exportRoster();
  await biz.a.applyRosterChange(roster.token, adminFp);
  return {
    names: ['Ivan IT (test approver)', 'Bea Business (test approver)'],
    async cosign(requestId) {
      const sent = await operator.exportRequest(requestId);
      for (const [x, comment] of [
        [it, 'Drill plan reviewed: targets and fencing as expected.'],
        [biz, 'Approved for the drill window.'],
      ] as const) {
        await x.a.importRequest(sent.token);
        const { export: back } = await x.a.decide(requestId, 'approve', comment);
        await operator.importApproval(back.token, requestId);
      }
    },
    /** The IT approver's machine co-signs an operator's checkpoint export; returns what goes back. */
    witness: async (text) => (await it.a.witnessCheckpoint(text)).export,
    close: () => [it, biz].forEach((x) => x.db.close()),
  };
}

export async function createLocalDrillDesks(dir: string): Promise<LocalDrillDesks> {
  const op = open(dir, 'operator');
  const operatorName = 'Olivia Operator (drill)';
  await op.a.createIdentity(operatorName);
  await op.a.initRoster();
  const approvers = await enrollTestApprovers(op.a, dir);
  const approvals: DrillApprovals = {
    async approve({ target, reason, plan }) {
      const req = await op.a.createRequest({ action: plan.runbook as ApprovalAction, target, reason, plan, expiresInMinutes: 60 });
      await approvers.cosign(req.id);
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
    cosign: (requestId) => approvers.cosign(requestId),
    witness: (text) => approvers.witness(text),
    close: () => {
      approvers.close();
      op.db.close();
    },
  };
}

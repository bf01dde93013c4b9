import Database from 'better-sqlite3';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { operatorWithItAdmin, PLAN } from '../approvals/fixtures';

/**
 * The audit attacks' starting point: an operator (Olu) and an IT approver who is the second admin (Ivan),
 * each with a database and keychain; a switchover requested, approved, executed, and ten runbook steps
 * logged after it. `beforeRun` is the operator's database as it was just before the execution.
 */
export async function executedTeam(clock: { now(): Date }) {
  const db = new Database(':memory:');
  const secrets = new MemorySecretStore();
  const roster = new MemoryRosterSource();
  const ops = new DeskApprovals({ db, secrets, roster, clock });
  const it1 = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new MemoryRosterSource(), clock });
  await ops.createIdentity('Olu Operator');
  await it1.createIdentity('Ivan IT');
  await ops.initRoster();
  await operatorWithItAdmin(ops, it1);
  const req = await ops.createRequest({ action: 'switchover', target: 'rs-main', reason: 'Planned maintenance of the DC primary.', plan: PLAN, expiresInMinutes: 60 });
  await it1.importRequest((await ops.exportRequest(req.id)).token);
  const { export: approval } = await it1.decide(req.id, 'approve', 'Checked the plan.');
  await ops.importApproval(approval.token, req.id);
  const beforeRun = db.serialize();
  await ops.authorizeExecution(req.id);
  for (let i = 0; i < 10; i++) await ops.audit.record({ action: 'runbook.step', subject: req.id, details: { n: i } });
  return { db, secrets, roster, ops, it1, id: req.id, beforeRun };
}

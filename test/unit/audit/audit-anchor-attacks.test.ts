import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { signerFromKey } from '../../../src/main/approvals/identity';
import { generateKeyPair } from '../../../src/main/signing/keys';
import { AuditLog } from '../../../src/main/audit/audit-log';
import { T0 } from '../approvals/fixtures';
import { executedTeam as executedTeam_ } from './executed-team';

/**
 * The audit-log attacks as they were tried, editing the SQLite file directly (the triggers that refuse
 * UPDATE and DELETE are dropped first, as anyone with the file can). Each is caught by what lives outside
 * the file: the keychain high-water mark and the trusted keys (roster and keychain, not approvals_identity).
 */
let now = T0.getTime();
const clock = { now: () => new Date((now += 1000)) };

async function executedTeam() {
  const t = await executedTeam_(clock);
  await t.ops.verifyAudit();
  return t;
}

function unprotect(db: Database.Database): void {
  db.exec('DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_delete; DROP TRIGGER approvals_decisions_keep;');
}

describe('audit log anchored off the file: truncation, rewrite and restore are caught', () => {
  it('deleting the last entry is detected (LOG_TRUNCATED against the keychain high-water mark)', async () => {
    const t = await executedTeam();
    expect((await t.ops.verifyAudit()).ok).toBe(true);
    const last = t.ops.auditLog.head().count;
    unprotect(t.db);
    t.db.prepare('DELETE FROM audit_log WHERE seq = ?').run(last);
    const report = await t.ops.verifyAudit();
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ code: 'LOG_TRUNCATED', seq: last });
    expect(report.firstProblem?.message).toMatch(/recorded in this machine's keychain \(audit high-water mark\) covers \d+ entries, but the log ends at entry/);
    await expect(t.ops.checkAnchors()).rejects.toMatchObject({ code: 'AUDIT_ROLLED_BACK' });
  });

  it('deleting the last 8 entries with their checkpoints and the decisions that co-signed them is detected', async () => {
    const t = await executedTeam();
    const last = t.ops.auditLog.head().count;
    unprotect(t.db);
    t.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(last - 8);
    t.db.prepare('DELETE FROM audit_checkpoints WHERE count > ?').run(last - 8);
    t.db.prepare('DELETE FROM approvals_decisions').run();
    const report = await t.ops.verifyAudit();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('LOG_TRUNCATED');
  });

  it('rewriting the tail with a key added to approvals_identity is detected (that key is not trusted)', async () => {
    const t = await executedTeam();
    const last = t.ops.auditLog.head().count;
    unprotect(t.db);
    t.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(last - 3);
    const kp = generateKeyPair();
    t.db.prepare('INSERT INTO approvals_identity VALUES (?, ?, ?, ?, ?)').run(kp.fingerprint, 'Olu Operator', kp.publicKey, 'identity.forged', '2000-01-01T00:00:00.000Z');
    const forger = signerFromKey('Olu Operator', kp.fingerprint, kp.publicKey, kp.privateKey);
    const log = new AuditLog(t.db, clock.now);
    for (let i = 0; i < 3; i++) log.append(forger, { action: 'runbook.step', subject: t.id, details: { n: 100 + i } });
    const report = await t.ops.verifyAudit(true);
    expect(report.ok).toBe(false);
    // The three rewritten entries are named as forged: the added approvals_identity row has no key in the keychain.
    expect(report.problems.filter((p) => p.code === 'ENTRY_SIGNER_UNKNOWN').map((p) => p.seq)).toEqual([last - 2, last - 1, last]);
    expect(report.firstProblem?.message).toMatch(/a key neither this workstation nor the roster knows/);
  });

  it('restoring an older copy of the database does not let an executed request run again (REQUEST_ALREADY_EXECUTED)', async () => {
    const t = await executedTeam();
    const restored = new DeskApprovals({ db: new Database(t.beforeRun), secrets: t.secrets, roster: t.roster, clock });
    // The restored file says the request never ran and is approved.
    expect((await restored.getRequest(t.id)).unlocked).toBe(true);
    const err = await restored.authorizeExecution(t.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REQUEST_ALREADY_EXECUTED', details: { source: 'keychain' } });
    expect((err as Error).message).toMatch(/keychain records its execution, although the database does not/);
    await expect(restored.checkAnchors()).rejects.toMatchObject({ code: 'AUDIT_ROLLED_BACK' });
    expect((await restored.verifyAudit()).problems.map((p) => p.code)).toContain('LOG_TRUNCATED');
  });

  it('an untouched log verifies clean and the mark follows it', async () => {
    const t = await executedTeam();
    await t.ops.audit.record({ action: 'runbook.step', subject: t.id, details: { n: 99 } });
    expect((await t.ops.verifyAudit()).ok).toBe(true);
    expect((await t.ops.anchor.mark())?.version).toBe(t.ops.auditLog.head().count);
    await expect(t.ops.checkAnchors()).resolves.toBeUndefined();
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { refusalOf, T0 } from '../approvals/fixtures';
import { executedTeam } from './executed-team';

/**
 * The audit log anchored off the operator's machine, attacked as it was tried — the tail deleted, an older
 * copy of the database restored — and here with the keychain's high-water mark gone too, so that only the
 * heads the approver's machine co-signed remain to tell. The operator exports its checkpoint after the
 * execution; the approver's machine co-signs it and keeps it; the operator keeps the co-signed copy.
 */
let now = T0.getTime();
const clock = { now: () => new Date((now += 1000)) };

async function anchoredTeam() {
  const t = await executedTeam(clock);
  // After the execution: the operator's checkpoint goes to the approver, and comes back co-signed.
  const sent = await t.ops.exportCheckpoint(t.id);
  const witnessed = await t.it1.witnessCheckpoint(sent.token);
  const kept = await t.ops.importCosignedCheckpoint(witnessed.export.token);
  await t.ops.anchor.flush();
  return { ...t, sent, witnessed, kept };
}

/** The keychain's high-water mark removed as well: the attacker here can reach the keychain record. */
async function dropMark(t: { ops: DeskApprovals; secrets: MemorySecretStore }): Promise<void> {
  const name = await t.ops.anchor.name();
  expect(name).not.toBeNull();
  await t.secrets.delete(name ?? '');
  expect(await t.ops.anchor.mark()).toBeNull();
}

function unprotect(db: Database.Database): void {
  db.exec('DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_delete;');
}

describe('audit heads co-signed on the approver\'s machine', () => {
  it('the head after the execution is co-signed by the approver, kept by both, and the log verifies against it', async () => {
    const t = await anchoredTeam();
    expect(t.kept).toMatchObject({ witnesses: ['Ivan IT'], problem: null });
    expect(t.kept.count).toBe(t.ops.auditLog.head().count - 1);
    const report = await t.ops.verifyAudit();
    expect(report.ok).toBe(true);
    // The request's checkpoint (in Ivan's decision) and the post-execution head Ivan's machine co-signed.
    expect(report.coSignedCheckpoints).toBe(2);
    expect((await t.it1.getAudit({ action: 'audit.witnessed' })).entries[0].details).toMatchObject({ count: t.kept.count, requestId: t.id });
  });

  it('deleting the tail with the keychain mark gone is still detected: LOG_TRUNCATED against the co-signed head', async () => {
    const t = await anchoredTeam();
    await dropMark(t);
    unprotect(t.db);
    const count = t.ops.auditLog.head().count;
    t.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(count - 8);
    t.db.prepare('DELETE FROM audit_checkpoints WHERE count > ?').run(count - 8);
    const report = await t.ops.verifyAudit();
    expect(report.ok).toBe(false);
    expect(report.problems.find((p) => p.code === 'LOG_TRUNCATED')?.message).toMatch(/co-signed by "Ivan IT" \(head co-signed on their machine/);
    expect(await t.ops.integrity()).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'AUDIT_ROLLED_BACK' })] });
  });

  it('an older copy of the database, keychain mark gone: the approver refuses the next checkpoint, and its copy makes the operator refuse to run', async () => {
    const t = await anchoredTeam();
    await dropMark(t);
    const restored = new DeskApprovals({ db: new Database(t.beforeRun), secrets: t.secrets, roster: t.roster, clock });
    // The restored file has no co-signed heads, and its own checkpoints agree with it: alone it verifies.
    expect((await restored.verifyAudit()).problems.filter((p) => p.code === 'LOG_TRUNCATED')).toEqual([]);
    // Its next checkpoint reaches the approver's machine, which co-signed a longer log: refused, and audited there.
    const next = await restored.exportCheckpoint(null);
    const err = await refusalOf(t.it1.witnessCheckpoint(next.token));
    expect([err.code, err.message]).toEqual(['CHECKPOINT_REGRESSED', expect.stringMatching(/"Olu Operator"'s audit log .* now ends at entry \d+, but this machine attested entry \d+ .*entries were deleted or an older copy of their database was restored/)]);
    expect((await t.it1.getAudit({ action: 'audit.witness-refused' })).entries[0].details).toMatchObject({ code: 'CHECKPOINT_REGRESSED' });
    // The approver's co-signed copy, imported again on the operator's machine, makes it refuse the executed request.
    const back = await restored.importCosignedCheckpoint(t.witnessed.export.token);
    expect(back.problem?.code).toBe('AUDIT_ROLLED_BACK');
    const run = await refusalOf(restored.authorizeExecution(t.id));
    expect([run.code, run.message]).toEqual(['AUDIT_ROLLED_BACK', expect.stringContaining('co-signed entry')]);
    const report = await restored.verifyAudit();
    expect(report.problems.find((p) => p.code === 'LOG_TRUNCATED')).toBeDefined();
  });

  it('a rewritten log that grows past the co-signed head is CHECKPOINT_FORKED on the approver\'s machine, CHECKPOINT_MISMATCH on the operator\'s', async () => {
    const t = await anchoredTeam();
    await dropMark(t);
    const restored = new DeskApprovals({ db: new Database(t.beforeRun), secrets: t.secrets, roster: t.roster, clock });
    while (restored.auditLog.head().count < t.kept.count) await restored.audit.record({ action: 'runbook.step', subject: 'filler', details: {} });
    const forged = await restored.exportCheckpoint(null);
    expect((await refusalOf(t.it1.witnessCheckpoint(forged.token))).code).toBe('CHECKPOINT_FORKED');
    await restored.importCosignedCheckpoint(t.witnessed.export.token);
    const report = await restored.verifyAudit();
    expect(report.problems.map((p) => p.code)).toContain('CHECKPOINT_MISMATCH');
  });

  it('a checkpoint is co-signed only for a colleague in the roster, and only co-signed copies are kept', async () => {
    const t = await anchoredTeam();
    const stranger = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new MemoryRosterSource(), clock });
    await stranger.createIdentity('Sam Stranger');
    await stranger.audit.record({ action: 'x', subject: 'y', details: {} });
    expect((await refusalOf(t.it1.witnessCheckpoint((await stranger.exportCheckpoint(null)).token))).code).toBe('CHECKPOINT_SIGNER_UNKNOWN');
    expect((await refusalOf(t.ops.importCosignedCheckpoint(t.sent.token))).code).toBe('CHECKPOINT_NOT_COSIGNED');
    expect((await refusalOf(t.ops.witnessCheckpoint(t.sent.token))).code).toBe('CHECKPOINT_OWN_LOG');
  });

  it('through the shared folder: the approver co-signs the dropped checkpoint and puts it back; the operator keeps it', async () => {
    const t = await anchoredTeam();
    const dir = mkdtempSync(join(tmpdir(), 'drdesk-witness-drop-'));
    try {
      for (let i = 0; i < 3; i++) await t.ops.audit.record({ action: 'runbook.step', subject: t.id, details: { late: i } });
      const sent = await t.ops.exportCheckpoint(t.id, dir);
      const onApprover = await t.it1.syncDropFolder(dir);
      expect(onApprover.imported).toEqual([expect.objectContaining({ kind: 'checkpoint', id: "Olu Operator's audit head " + String(t.kept.count + 4) })]);
      expect(readdirSync(dir).filter((f) => f.startsWith('drdesk-checkpoint-'))).toHaveLength(2);
      const onOperator = await t.ops.syncDropFolder(dir);
      expect(onOperator.imported).toEqual([expect.objectContaining({ kind: 'checkpoint' })]);
      expect(t.ops.auditLog.witnessed()[0].count).toBe(t.kept.count + 4);
      expect(sent.fileName).toMatch(/^drdesk-checkpoint-/);
      // A second sync of the same folder changes nothing on either side.
      expect((await t.it1.syncDropFolder(dir)).imported).toEqual([]);
      expect((await t.ops.syncDropFolder(dir)).imported).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

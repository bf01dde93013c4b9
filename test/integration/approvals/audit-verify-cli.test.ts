import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditVerifyReport } from '../../../src/shared/api/approvals';
import { DATABASE_FILE } from '../../../src/main/store/database';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { FileRosterSource } from '../../../src/main/approvals/roster-source';
import { ROSTER_FILE } from '../../../src/main/approvals/feature';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { drdesk } from '../cli/cli-process';

/**
 * `drdesk audit verify` on a 10,000-entry log in a real data directory, tampered on disk as someone holding
 * the SQLite file could: exit 2 and the first bad entry named for each kind; exit 0 intact; exit 3 on error.
 */
const N = 10_000;
const root = mkdtempSync(join(tmpdir(), 'drdesk-audit-cli-'));
const pristine = join(root, 'pristine');

beforeAll(async () => {
  mkdirSync(pristine);
  const db = new Database(join(pristine, DATABASE_FILE));
  // The private key stays in a memory keychain the CLI cannot see: the entries are trusted because the
  // signed roster names the key, not because approvals_identity (a row anyone can add) does.
  const a = new DeskApprovals({ db, secrets: new MemorySecretStore(), roster: new FileRosterSource(join(pristine, ROSTER_FILE)) });
  await a.createIdentity('Olu Operator');
  await a.initRoster();
  const signer = await a.identity.signer();
  db.transaction(() => {
    for (let i = 3; i <= N; i++) a.audit.append(signer, { action: i % 3 ? 'runbook.step.finished' : 'request.created', subject: `req_${i % 40}`, details: { n: i } });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function tampered(name: string, sql: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(join(pristine, DATABASE_FILE), join(dir, DATABASE_FILE));
  copyFileSync(join(pristine, ROSTER_FILE), join(dir, ROSTER_FILE));
  const db = new Database(join(dir, DATABASE_FILE));
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return dir;
}

async function verify(dir: string): Promise<{ code: number | null; report: AuditVerifyReport; text: string }> {
  const json = await drdesk(['audit', 'verify', '--json', '--data-dir', dir], { timeoutMs: 90_000 });
  const text = await drdesk(['audit', 'verify', '--data-dir', dir], { timeoutMs: 90_000 });
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as AuditVerifyReport, text: text.stdout };
}

describe('drdesk audit verify on a 10,000-entry log', () => {
  it('exits 0 on the intact log', async () => {
    const { code, report, text } = await verify(pristine);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, entries: N, checkpoints: 10 });
    expect(text).toMatch(/^OK: the audit log .* is intact: 10000 entries/);
  });

  it.each([
    ['edited', `UPDATE audit_log SET details = '{"n":0}' WHERE seq = 4321`, 4321, 'ENTRY_EDITED'],
    ['deleted', 'DELETE FROM audit_log WHERE seq = 4321', 4321, 'ENTRY_MISSING'],
    ['inserted', `UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= 4321; UPDATE audit_log SET seq = -seq WHERE seq < 0;
      INSERT INTO audit_log SELECT 4321, time, actor, actor_key, 'request.approved', subject, details, hash, hash, sig FROM audit_log WHERE seq = 4320`, 4321, 'ENTRY_INSERTED'],
    ['reordered', 'UPDATE audit_log SET seq = -1 WHERE seq = 4321; UPDATE audit_log SET seq = 4321 WHERE seq = 4322; UPDATE audit_log SET seq = 4322 WHERE seq = -1;', 4321, 'ENTRY_REORDERED'],
  ])('exits 2 when an entry was %s, and names it', async (kind, sql, seq, code) => {
    const r = await verify(tampered(kind, sql));
    expect(r.code).toBe(2);
    expect(r.report.firstProblem).toMatchObject({ seq, kind, code });
    expect(r.text).toContain(`TAMPERED: the audit log ${r.report.logId} was altered — first at entry ${seq} (${kind}, ${code})`);
  }, 120_000);

  it('exits 3 when the log cannot be read', async () => {
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, DATABASE_FILE), 'this is not a database'.repeat(100));
    const r = await drdesk(['audit', 'verify', '--data-dir', dir], { timeoutMs: 60_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^drdesk: /);
  });
});

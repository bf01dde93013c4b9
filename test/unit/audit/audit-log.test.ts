import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src/shared/canonical-json';
import { AuditLog } from '../../../src/main/audit/audit-log';
import { entryHash, entryText, type AuditEntryRow } from '../../../src/main/audit/audit-entry';
import { verifyAuditLog, type CoSignedCheckpoint } from '../../../src/main/audit/verify';
import { person } from '../approvals/fixtures';

/**
 * A 10,000-entry log written by two identities, then tampered with the way someone holding the SQLite file
 * (but not the private keys) could: each kind of tampering is caught and the first bad entry named.
 */
const ana = person('Ana Operator');
const bo = person('Bo Operator');
const mallory = person('Mallory');
const trusted = new Map([
  [ana.fingerprint, ana.publicKey],
  [bo.fingerprint, bo.publicKey],
]);
const N = 10_000;
let image: Buffer;

beforeAll(() => {
  const db = new Database(':memory:');
  let t = Date.parse('2025-03-01T00:00:00Z');
  const log = new AuditLog(db, () => new Date((t += 1000)));
  db.transaction(() => {
    for (let i = 1; i <= N; i++) {
      // Mostly Ana, with stretches by Bo, so runs of one actor have many lengths.
      const who = i % 997 < 40 || i % 13 === 0 ? bo : ana;
      log.append(who, { action: i % 2 ? 'request.created' : 'runbook.step.finished', subject: `req_${i % 50}`, details: { n: i, note: `entry ${i}` } });
    }
  })();
  image = db.serialize();
  db.close();
});

function open(): { db: Database.Database; log: AuditLog } {
  const db = new Database(image);
  return { db, log: new AuditLog(db) };
}

function verify(log: AuditLog, opts: { full?: boolean; coSigned?: CoSignedCheckpoint[] } = {}) {
  return verifyAuditLog({ logId: log.logId, rows: log.rows(), checkpoints: log.checkpoints(), coSigned: opts.coSigned ?? [], trustedKeys: trusted, full: opts.full });
}

/** What someone with the database file can do: the append-only triggers are no obstacle to them. */
function attacker(db: Database.Database) {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  const row = (seq: number) => db.prepare('SELECT seq, time, actor, actor_key AS actorKey, action, subject, details, prev, hash, sig FROM audit_log WHERE seq = ?').get(seq) as AuditEntryRow;
  return {
    row,
    shift(from: number, by: number) {
      db.prepare('UPDATE audit_log SET seq = -(seq + ?) WHERE seq >= ?').run(by, from);
      db.exec('UPDATE audit_log SET seq = -seq WHERE seq < 0');
    },
    /** Recomputes every hash and link from `from` on, as a careful forger would (signatures cannot be redone). */
    rechain(from: number) {
      let prev = row(from - 1).hash;
      for (const r of db.prepare('SELECT seq, time, actor, actor_key AS actorKey, action, subject, details, prev, hash, sig FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as AuditEntryRow[]) {
        const hash = entryHash({ ...r, prev });
        db.prepare('UPDATE audit_log SET prev = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
        prev = hash;
      }
    },
  };
}

// Signing and verifying 10,000 entries takes seconds on a busy shared machine.
describe('audit log', { timeout: 120_000 }, () => {
  it('hashes the canonical JSON of each entry, previous hash included', () => {
    const { log } = open();
    const r = log.rows()[41];
    const { hash: _h, sig: _s, ...content } = r;
    expect(entryText(content)).toBe(canonicalize({ ...content, details: JSON.parse(content.details) as unknown }));
    expect(r.prev).toBe(log.rows()[40].hash);
  });

  it('is append-only at the SQL level', () => {
    const { db } = open();
    expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 5").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 5').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
  });

  it('full mode verifies every signature and names the same entry', () => {
    const { db, log } = open();
    const a = attacker(db);
    db.prepare(`UPDATE audit_log SET subject = 'req_other' WHERE seq = 5000`).run();
    a.rechain(5000);
    const report = verify(log, { full: true });
    expect(report).toMatchObject({ mode: 'full', signaturesVerified: N + 10, firstProblem: { seq: 5000, code: 'ENTRY_SIGNATURE_INVALID' } });
  });

  it('verifies an intact 10,000-entry log, with a signed checkpoint every 1000 entries', () => {
    const { log } = open();
    const chain = verify(log);
    expect(chain).toMatchObject({ ok: true, entries: N, checkpoints: 10, problems: [] });
    // Chain mode verifies the last signature of each run of one actor, not all 10,000.
    expect(chain.signaturesVerified).toBeLessThan(N);
    const full = verify(log, { full: true });
    expect(full).toMatchObject({ ok: true, mode: 'full', signaturesVerified: N + 10 });
  });

  it.each([
    ['edited in place', 5000, 'edited', 'ENTRY_EDITED', (db: Database.Database) => {
      attacker(db);
      db.prepare(`UPDATE audit_log SET details = '{"n":5000,"note":"nothing happened"}' WHERE seq = 5000`).run();
    }],
    ['edited, chain recomputed', 5000, 'edited', 'ENTRY_SIGNATURE_INVALID', (db: Database.Database) => {
      const a = attacker(db);
      db.prepare(`UPDATE audit_log SET subject = 'req_other' WHERE seq = 5000`).run();
      a.rechain(5000);
    }],
    ['edited, a Bo entry inside Ana runs, chain recomputed', 5005, 'edited', 'ENTRY_SIGNATURE_INVALID', (db: Database.Database) => {
      const a = attacker(db);
      db.prepare(`UPDATE audit_log SET action = 'request.viewed' WHERE seq = 5005`).run();
      a.rechain(5005);
    }],
    ['deleted', 5000, 'deleted', 'ENTRY_MISSING', (db: Database.Database) => {
      attacker(db);
      db.prepare('DELETE FROM audit_log WHERE seq = 5000').run();
    }],
    ['deleted, later entries renumbered', 5000, 'deleted', 'ENTRY_DELETED_RENUMBERED', (db: Database.Database) => {
      const a = attacker(db);
      db.prepare('DELETE FROM audit_log WHERE seq = 5000').run();
      a.shift(5001, -1);
    }],
    ['inserted, later entries renumbered', 5000, 'inserted', 'ENTRY_INSERTED', (db: Database.Database) => {
      const a = attacker(db);
      const before = a.row(4999);
      a.shift(5000, 1);
      const forged = { seq: 5000, time: before.time, actor: ana.fingerprint, actorKey: ana.publicKey, action: 'request.approved', subject: 'req_7', details: '{"n":0}', prev: before.hash };
      const hash = entryHash(forged);
      db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(5000, forged.time, forged.actor, forged.actorKey, forged.action, forged.subject, forged.details, forged.prev, hash, mallory.sign('x', Buffer.from(hash)));
    }],
    ['reordered (two entries swapped)', 5000, 'reordered', 'ENTRY_REORDERED', (db: Database.Database) => {
      attacker(db);
      db.exec('UPDATE audit_log SET seq = -1 WHERE seq = 5000; UPDATE audit_log SET seq = 5000 WHERE seq = 5001; UPDATE audit_log SET seq = 5001 WHERE seq = -1;');
    }],
    ['reordered (moved far)', 3000, 'reordered', 'ENTRY_REORDERED', (db: Database.Database) => {
      attacker(db);
      db.exec('UPDATE audit_log SET seq = -1 WHERE seq = 3000; UPDATE audit_log SET seq = 3000 WHERE seq = 7000; UPDATE audit_log SET seq = 7000 WHERE seq = -1;');
    }],
    ['truncated (last entries deleted)', 9501, 'truncated', 'LOG_TRUNCATED', (db: Database.Database) => {
      attacker(db);
      db.prepare('DELETE FROM audit_log WHERE seq > 9500').run();
    }],
    ['appended by an unknown key', N + 1, 'forged', 'ENTRY_SIGNER_UNKNOWN', (db: Database.Database) => {
      new AuditLog(db).append(mallory, { action: 'request.approved', subject: 'req_1' });
    }],
  ])('catches an entry %s and names it', (_what, seq, kind, code, tamper) => {
    const { db, log } = open();
    tamper(db);
    const report = verify(log);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ seq, kind, code });
    expect(report.firstProblem?.message).toContain(`${seq}`);
  });

  it('catches a rewrite by a key holder against a checkpoint an approver co-signed', () => {
    const { db, log } = open();
    const cosigned = { count: 6000, head: log.rows()[5999].hash, by: '"Bea Business" (decision sha256:1234…)' };
    // The operator rewrites entry 5500 and re-signs everything after it with their own key, checkpoints too.
    const rows = log.rows();
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_delete; DELETE FROM audit_checkpoints; DELETE FROM audit_log;');
    const fresh = new AuditLog(db);
    db.transaction(() => {
      for (const r of rows) fresh.append(r.actor === ana.fingerprint ? ana : bo, { action: r.action, subject: r.seq === 5500 ? 'req_hidden' : r.subject, details: JSON.parse(r.details) as Record<string, unknown> });
    })();
    expect(verify(fresh).ok).toBe(true);
    const report = verify(fresh, { coSigned: [cosigned] });
    expect(report.firstProblem).toMatchObject({ kind: 'edited', code: 'CHECKPOINT_MISMATCH', seq: 5001 });
    expect(report.firstProblem?.message).toContain('co-signed by "Bea Business"');
    expect(report.firstProblem?.message).toContain('from 5001 to 6000');
  });

  it('queries with filters and exports JSON lines', () => {
    const { log } = open();
    const page = log.query({ actor: bo.fingerprint, action: 'request', limit: 5 }, () => 'Bo');
    expect(page.entries).toHaveLength(5);
    expect(page.entries.every((e) => e.actor === bo.fingerprint && e.action === 'request.created' && e.actorName === 'Bo')).toBe(true);
    expect(page.entries[0].seq).toBeGreaterThan(page.entries[1].seq);
    expect(page.total).toBeGreaterThan(5);
    const exp = log.exportJsonl({ subject: 'req_3' });
    const lines = exp.jsonl.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; seq?: number });
    expect(exp.count).toBe(N / 50);
    expect(lines.filter((l) => l.kind === 'checkpoint')).toHaveLength(10);
  });
});

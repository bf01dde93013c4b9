import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { canonicalize } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import type { AuditEntryView, AuditQuery } from '../../shared/api/approvals';
import { seal, type Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import type { CheckpointRef } from './checkpoint';
import { detailsObject, ENTRY_PAYLOAD_TYPE, entryHash, entrySigned, GENESIS_PREV, isBreakGlass, type AuditEntryRow } from './audit-entry';

/**
 * The append-only audit log: one SQLite table, each entry hash-chained to the one before and signed by the
 * acting identity, plus signed checkpoints (entry count + head hash) every CHECKPOINT_EVERY entries and
 * whenever a request is made. SQLite triggers refuse UPDATE and DELETE; the verifier catches what a
 * determined editor of the file does anyway.
 */
export const CHECKPOINT_EVERY = 1000;

export interface AppendInput {
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export interface CheckpointRow {
  count: number;
  head: string;
  time: string;
  signer: string;
  envelope: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, actor_key TEXT NOT NULL, action TEXT NOT NULL,
  subject TEXT NOT NULL, details TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL, sig TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor);
CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log (subject);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  count INTEGER PRIMARY KEY, head TEXT NOT NULL, time TEXT NOT NULL, signer TEXT NOT NULL, envelope TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TABLE IF NOT EXISTS audit_witnessed (
  log_id TEXT NOT NULL, count INTEGER NOT NULL, head TEXT NOT NULL, witness TEXT NOT NULL, envelope TEXT NOT NULL, received_at TEXT NOT NULL,
  PRIMARY KEY (log_id, count, witness));
`;

/**
 * A checkpoint co-signed by a witness: on an approver's machine, an operator's head it attested (witness is
 * this machine); on the operator's machine, its own head as a colleague's machine co-signed it.
 */
export interface WitnessedRow {
  logId: string;
  count: number;
  head: string;
  witness: string;
  envelope: string;
  receivedAt: string;
}

const COLUMNS = 'seq, time, actor, actor_key AS actorKey, action, subject, details, prev, hash, sig';

export class AuditLog {
  readonly logId: string;
  private readonly listeners = new Set<(e: AuditEntryRow) => void>();
  private readonly last: BetterSqlite3.Statement;
  private readonly insert: BetterSqlite3.Statement;

  constructor(
    readonly db: BetterSqlite3.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('log_id', ?)").run(randomBytes(12).toString('base64url'));
    this.logId = (db.prepare("SELECT value FROM audit_meta WHERE key = 'log_id'").get() as { value: string }).value;
    this.last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare('INSERT INTO audit_log (seq, time, actor, actor_key, action, subject, details, prev, hash, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  }

  onAppend(listener: (e: AuditEntryRow) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Appends one entry signed by `signer`; the write lock is taken first, so concurrent writers chain correctly. */
  append(signer: Signer, input: AppendInput): AuditEntryRow {
    if (!input.action || !input.subject) throw new DeskError('BAD_INPUT', 'An audit entry needs an action and a subject.');
    let details: string;
    try {
      details = canonicalize(input.details ?? {});
    } catch (err) {
      throw new DeskError('BAD_INPUT', `The audit entry's details are not plain JSON: ${(err as Error).message}.`);
    }
    const write = this.db.transaction((): AuditEntryRow => {
      const head = this.last.get() as { seq: number; hash: string } | undefined;
      const content = {
        seq: (head?.seq ?? 0) + 1,
        time: this.now().toISOString(),
        actor: signer.fingerprint,
        actorKey: signer.publicKey,
        action: input.action,
        subject: input.subject,
        details,
        prev: head?.hash ?? GENESIS_PREV,
      };
      const hash = entryHash(content);
      const row: AuditEntryRow = { ...content, hash, sig: signer.sign(ENTRY_PAYLOAD_TYPE, entrySigned(hash)) };
      this.insert.run(row.seq, row.time, row.actor, row.actorKey, row.action, row.subject, row.details, row.prev, row.hash, row.sig);
      if (row.seq % CHECKPOINT_EVERY === 0) this.writeCheckpoint(signer, row.seq, row.hash);
      return row;
    });
    const row = write.immediate();
    for (const l of this.listeners) l(row);
    return row;
  }

  head(): { count: number; head: string } {
    const h = this.last.get() as { seq: number; hash: string } | undefined;
    return { count: h?.seq ?? 0, head: h?.hash ?? GENESIS_PREV };
  }

  private writeCheckpoint(signer: Signer, count: number, head: string): CheckpointRef {
    const ref: CheckpointRef = { logId: this.logId, count, head, time: this.now().toISOString(), signer: signer.fingerprint };
    const env = seal('checkpoint', { type: 'drdesk.audit-checkpoint', ...ref, signerKey: signer.publicKey }, signer);
    this.db.prepare('INSERT OR IGNORE INTO audit_checkpoints (count, head, time, signer, envelope) VALUES (?, ?, ?, ?, ?)').run(count, head, ref.time, ref.signer, JSON.stringify(env));
    return ref;
  }

  /** A signed checkpoint of the log as it is now (reusing the latest one when nothing was appended since). */
  checkpoint(signer: Signer): CheckpointRef {
    return this.db
      .transaction((): CheckpointRef => {
        const { count, head } = this.head();
        const existing = this.db.prepare('SELECT count, head, time, signer FROM audit_checkpoints WHERE count = ?').get(count) as CheckpointRow | undefined;
        if (existing && existing.head === head) return { logId: this.logId, count, head, time: existing.time, signer: existing.signer };
        return this.writeCheckpoint(signer, count, head);
      })
      .immediate();
  }

  /** The stored envelope of the checkpoint at `count`, or null. */
  checkpointEnvelope(count: number): Envelope | null {
    const row = this.db.prepare('SELECT envelope FROM audit_checkpoints WHERE count = ?').get(count) as { envelope: string } | undefined;
    return row ? (JSON.parse(row.envelope) as Envelope) : null;
  }

  addWitnessed(r: WitnessedRow): void {
    this.db.prepare('INSERT OR REPLACE INTO audit_witnessed (log_id, count, head, witness, envelope, received_at) VALUES (?, ?, ?, ?, ?, ?)').run(r.logId, r.count, r.head, r.witness, r.envelope, r.receivedAt);
  }

  /** Co-signed heads of a log (this one by default), highest first. */
  witnessed(logId: string = this.logId): WitnessedRow[] {
    return this.db
      .prepare('SELECT log_id AS logId, count, head, witness, envelope, received_at AS receivedAt FROM audit_witnessed WHERE log_id = ? ORDER BY count DESC')
      .all(logId) as WitnessedRow[];
  }

  checkpoints(): { count: number; head: string; envelope: Envelope }[] {
    const rows = this.db.prepare('SELECT count, head, envelope FROM audit_checkpoints ORDER BY count').all() as CheckpointRow[];
    return rows.map((r) => ({ count: r.count, head: r.head, envelope: JSON.parse(r.envelope) as Envelope }));
  }

  /** Every entry in order (for the verifier). Read as arrays: better-sqlite3 builds them faster than objects. */
  rows(): AuditEntryRow[] {
    const raw = this.db.prepare('SELECT seq, time, actor, actor_key, action, subject, details, prev, hash, sig FROM audit_log ORDER BY seq').raw(true).all() as [number, ...string[]][];
    return raw.map((r) => ({ seq: r[0], time: r[1], actor: r[2], actorKey: r[3], action: r[4], subject: r[5], details: r[6], prev: r[7], hash: r[8], sig: r[9] }));
  }

  private where(q: AuditQuery): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    const where = (sql: string, ...values: unknown[]) => {
      parts.push(sql);
      params.push(...values);
    };
    if (q.actor) where('actor = ?', q.actor);
    if (q.action) where('(action = ? OR action LIKE ?)', q.action, `${q.action}.%`);
    if (q.subject) where('subject = ?', q.subject);
    if (q.since) where('time >= ?', q.since);
    if (q.until) where('time <= ?', q.until);
    if (q.breakGlassOnly) where(`(action LIKE 'break-glass%' OR details LIKE '%"breakGlass":true%')`);
    if (q.beforeSeq !== undefined) where('seq < ?', q.beforeSeq);
    return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
  }

  /** Newest first, filtered; `total` counts every match, not just this page. */
  query(q: AuditQuery, names: (fingerprint: string) => string | null): { entries: AuditEntryView[]; total: number } {
    const { sql, params } = this.where(q);
    const limit = Math.min(Math.max(q.limit ?? 200, 1), 5000);
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM audit_log ${sql} ORDER BY seq DESC LIMIT ?`).all(...params, limit) as AuditEntryRow[];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${sql}`).get(...params) as { n: number }).n;
    return { entries: rows.map((r) => view(r, names)), total };
  }

  /** JSON lines, oldest first: one entry per line with its hash and signature, then the checkpoints. */
  exportJsonl(q: AuditQuery): { jsonl: string; count: number } {
    const { sql, params } = this.where({ ...q, beforeSeq: q.beforeSeq, limit: undefined });
    const lines: string[] = [];
    for (const r of this.db.prepare(`SELECT ${COLUMNS} FROM audit_log ${sql} ORDER BY seq`).iterate(...params) as Iterable<AuditEntryRow>)
      lines.push(JSON.stringify({ kind: 'entry', logId: this.logId, ...r, details: JSON.parse(r.details) as unknown }));
    const count = lines.length;
    for (const c of this.checkpoints()) lines.push(JSON.stringify({ kind: 'checkpoint', logId: this.logId, count: c.count, head: c.head, envelope: c.envelope }));
    return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', count };
  }
}

export function view(r: AuditEntryRow, names: (fingerprint: string) => string | null): AuditEntryView {
  const details = detailsObject(r.details);
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    actorName: names(r.actor),
    action: r.action,
    subject: r.subject,
    details: details ?? r.details,
    prev: r.prev,
    hash: r.hash,
    breakGlass: isBreakGlass(r.action, details),
  };
}

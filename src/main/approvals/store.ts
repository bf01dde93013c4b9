import type BetterSqlite3 from 'better-sqlite3';
import type { Envelope } from '../signing/envelope';

/**
 * Requests, approvals and denials, kept for good — also after they expire or run. Rows are never deleted
 * (triggers refuse it); the one thing that changes is a request's executed_at, set once.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS approvals_requests (
  id TEXT PRIMARY KEY, digest TEXT NOT NULL, envelope TEXT NOT NULL, action TEXT NOT NULL, requester TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, nonce TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,
  received_at TEXT NOT NULL, status_snapshot TEXT, executed_at TEXT);
CREATE TABLE IF NOT EXISTS approvals_decisions (
  digest TEXT PRIMARY KEY, request_id TEXT NOT NULL, decision TEXT NOT NULL, approver TEXT NOT NULL,
  envelope TEXT NOT NULL, created_at TEXT NOT NULL, received_at TEXT NOT NULL, origin TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS approvals_decisions_request ON approvals_decisions (request_id);
CREATE TABLE IF NOT EXISTS approvals_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals_drop_seen (file TEXT PRIMARY KEY, digest TEXT NOT NULL, seen_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS approvals_requests_keep BEFORE DELETE ON approvals_requests BEGIN SELECT RAISE(ABORT, 'requests are kept for good'); END;
CREATE TRIGGER IF NOT EXISTS approvals_decisions_keep BEFORE DELETE ON approvals_decisions BEGIN SELECT RAISE(ABORT, 'decisions are kept for good'); END;
CREATE TRIGGER IF NOT EXISTS approvals_decisions_fixed BEFORE UPDATE ON approvals_decisions BEGIN SELECT RAISE(ABORT, 'decisions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS approvals_requests_fixed BEFORE UPDATE OF id, digest, envelope, nonce ON approvals_requests
  BEGIN SELECT RAISE(ABORT, 'a request is immutable once stored'); END;
CREATE TRIGGER IF NOT EXISTS approvals_requests_once BEFORE UPDATE OF executed_at ON approvals_requests WHEN OLD.executed_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a request runs once'); END;
`;

export interface RequestRow {
  id: string;
  digest: string;
  envelope: string;
  action: string;
  requester: string;
  created_at: string;
  expires_at: string;
  nonce: string;
  origin: 'local' | 'imported';
  received_at: string;
  status_snapshot: string | null;
  executed_at: string | null;
}

export interface DecisionRow {
  digest: string;
  request_id: string;
  decision: 'approve' | 'deny';
  approver: string;
  envelope: string;
  created_at: string;
  received_at: string;
  origin: 'local' | 'imported';
}

export class ApprovalsStore {
  constructor(readonly db: BetterSqlite3.Database) {
    db.exec(SCHEMA);
  }

  meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM approvals_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO approvals_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  request(id: string): RequestRow | undefined {
    return this.db.prepare('SELECT * FROM approvals_requests WHERE id = ?').get(id) as RequestRow | undefined;
  }

  requestByNonce(nonce: string): RequestRow | undefined {
    return this.db.prepare('SELECT * FROM approvals_requests WHERE nonce = ?').get(nonce) as RequestRow | undefined;
  }

  requests(limit: number): RequestRow[] {
    return this.db.prepare('SELECT * FROM approvals_requests ORDER BY created_at DESC, id LIMIT ?').all(limit) as RequestRow[];
  }

  insertRequest(row: RequestRow): void {
    this.db
      .prepare(
        `INSERT INTO approvals_requests (id, digest, envelope, action, requester, created_at, expires_at, nonce, origin, received_at, status_snapshot, executed_at)
         VALUES (@id, @digest, @envelope, @action, @requester, @created_at, @expires_at, @nonce, @origin, @received_at, @status_snapshot, @executed_at)`,
      )
      .run(row);
  }

  /** Marks a request as run; false when it already was (another process won the race). */
  markExecuted(id: string, at: string): boolean {
    return this.db.prepare('UPDATE approvals_requests SET executed_at = ? WHERE id = ? AND executed_at IS NULL').run(at, id).changes === 1;
  }

  decisions(requestId: string): DecisionRow[] {
    return this.db.prepare('SELECT * FROM approvals_decisions WHERE request_id = ? ORDER BY created_at, digest').all(requestId) as DecisionRow[];
  }

  decision(digest: string): DecisionRow | undefined {
    return this.db.prepare('SELECT * FROM approvals_decisions WHERE digest = ?').get(digest) as DecisionRow | undefined;
  }

  allDecisions(): DecisionRow[] {
    return this.db.prepare('SELECT * FROM approvals_decisions ORDER BY created_at').all() as DecisionRow[];
  }

  /** Stores a decision; false when the very same one (same digest) is already here. */
  insertDecision(row: DecisionRow): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO approvals_decisions (digest, request_id, decision, approver, envelope, created_at, received_at, origin)
           VALUES (@digest, @request_id, @decision, @approver, @envelope, @created_at, @received_at, @origin)`,
        )
        .run(row).changes === 1
    );
  }

  dropSeen(file: string, digest: string): boolean {
    return this.db.prepare('SELECT 1 FROM approvals_drop_seen WHERE file = ? AND digest = ?').get(file, digest) !== undefined;
  }

  markDropSeen(file: string, digest: string, at: string): void {
    this.db.prepare('INSERT INTO approvals_drop_seen (file, digest, seen_at) VALUES (?, ?, ?) ON CONFLICT(file) DO UPDATE SET digest = excluded.digest, seen_at = excluded.seen_at').run(file, digest, at);
  }
}

export function envelopeOf(text: string): Envelope {
  return JSON.parse(text) as Envelope;
}

import type { Database } from 'better-sqlite3';
import { hostname } from 'node:os';
import type { ChainState, CycleRecord, SliceState } from '../../shared/api/backup';
import { parseManifest, type Manifest } from './manifest';

/**
 * The backup pipeline's state in SQLite: chains, slices (with their manifests and states), every cycle's
 * record and the RPO series. Slice files live in the data directory; this is the index and the truth of
 * what was applied.
 */
export interface ChainRow {
  chainId: string;
  replicaSet: string;
  createdAt: string;
  state: ChainState;
  broken: { code: string; message: string; at: string } | null;
  capturedSeq: number | null;
  capturedTs: string | null;
  appliedSeq: number | null;
  appliedTs: string | null;
  appliedWall: number | null;
  /** The target's own oplog position right after the last apply: where its data equals the source's at appliedTs. */
  targetTs: string | null;
  /** Start of the last capture that found DC's oplog had nothing newer (ms). */
  idleCheckedAt: number | null;
}

export interface SliceRow {
  chainId: string;
  seq: number;
  manifest: Manifest;
  manifestSha: string;
  state: SliceState;
  problem: { code: string; message: string; at: string } | null;
  shippedAt: string | null;
  verifiedAt: string | null;
  appliedAt: string | null;
  shipAttempts: number;
  applyCount: number;
  safety: { ts: string | null; at: string } | null;
  /** Last position applied by an attempt that did not finish (resume after it). */
  applyTs: string | null;
  localDeleted: boolean;
  remoteDeleted: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS backup_chains (
  chain_id TEXT PRIMARY KEY, replica_set TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL,
  broken_code TEXT, broken_message TEXT, broken_at TEXT,
  captured_seq INTEGER, captured_ts TEXT, applied_seq INTEGER, applied_ts TEXT, applied_wall INTEGER, idle_checked_at INTEGER
);
CREATE TABLE IF NOT EXISTS backup_slices (
  chain_id TEXT NOT NULL REFERENCES backup_chains(chain_id), seq INTEGER NOT NULL,
  manifest TEXT NOT NULL, manifest_sha TEXT NOT NULL, state TEXT NOT NULL,
  problem_code TEXT, problem_message TEXT, problem_at TEXT,
  shipped_at TEXT, verified_at TEXT, applied_at TEXT,
  ship_attempts INTEGER NOT NULL DEFAULT 0, apply_count INTEGER NOT NULL DEFAULT 0,
  safety_ts TEXT, safety_at TEXT, apply_ts TEXT, local_deleted INTEGER NOT NULL DEFAULT 0, remote_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (chain_id, seq)
);
CREATE TABLE IF NOT EXISTS backup_cycles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, trigger TEXT NOT NULL, state TEXT NOT NULL,
  started_at TEXT NOT NULL, deadline_at TEXT NOT NULL, finished_at TEXT, error_code TEXT, error_message TEXT,
  captured INTEGER NOT NULL DEFAULT 0, shipped INTEGER NOT NULL DEFAULT 0, applied INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS backup_rpo (at INTEGER NOT NULL, seconds REAL, target REAL NOT NULL, level TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS backup_rpo_at ON backup_rpo(at);
CREATE TABLE IF NOT EXISTS backup_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS backup_lock (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, label TEXT NOT NULL, expires_at INTEGER NOT NULL);
`;

type Row = Record<string, unknown>;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function chainFrom(r: Row): ChainRow {
  return {
    chainId: String(r.chain_id),
    replicaSet: String(r.replica_set),
    createdAt: String(r.created_at),
    state: r.state as ChainState,
    broken: r.broken_code ? { code: String(r.broken_code), message: String(r.broken_message), at: String(r.broken_at) } : null,
    capturedSeq: num(r.captured_seq),
    capturedTs: str(r.captured_ts),
    appliedSeq: num(r.applied_seq),
    appliedTs: str(r.applied_ts),
    appliedWall: num(r.applied_wall),
    targetTs: str(r.target_ts),
    idleCheckedAt: num(r.idle_checked_at),
  };
}

function sliceFrom(r: Row): SliceRow {
  return {
    chainId: String(r.chain_id),
    seq: Number(r.seq),
    manifest: parseManifest(String(r.manifest), `in the database (${String(r.chain_id)}#${String(r.seq)})`),
    manifestSha: String(r.manifest_sha),
    state: r.state as SliceState,
    problem: r.problem_code ? { code: String(r.problem_code), message: String(r.problem_message), at: String(r.problem_at) } : null,
    shippedAt: str(r.shipped_at),
    verifiedAt: str(r.verified_at),
    appliedAt: str(r.applied_at),
    shipAttempts: Number(r.ship_attempts),
    applyCount: Number(r.apply_count),
    safety: r.safety_at ? { ts: str(r.safety_ts), at: String(r.safety_at) } : null,
    applyTs: str(r.apply_ts),
    localDeleted: Number(r.local_deleted) === 1,
    remoteDeleted: Number(r.remote_deleted) === 1,
  };
}

function cycleFrom(r: Row): CycleRecord {
  return {
    id: Number(r.id),
    kind: r.kind as CycleRecord['kind'],
    trigger: r.trigger as CycleRecord['trigger'],
    state: r.state as CycleRecord['state'],
    startedAt: String(r.started_at),
    deadlineAt: String(r.deadline_at),
    finishedAt: str(r.finished_at),
    error: r.error_code ? { code: String(r.error_code), message: String(r.error_message) } : null,
    captured: Number(r.captured),
    shipped: Number(r.shipped),
    applied: Number(r.applied),
    bytes: Number(r.bytes),
  };
}

export class BackupStore {
  constructor(readonly db: Database) {
    db.exec(SCHEMA);
    const columns = (db.prepare('PRAGMA table_info(backup_chains)').all() as Row[]).map((c) => String(c.name));
    if (!columns.includes('target_ts')) db.exec('ALTER TABLE backup_chains ADD COLUMN target_ts TEXT');
    const lockColumns = (db.prepare('PRAGMA table_info(backup_lock)').all() as Row[]).map((c) => String(c.name));
    if (!lockColumns.includes('pid')) db.exec('ALTER TABLE backup_lock ADD COLUMN pid INTEGER');
    if (!lockColumns.includes('host')) db.exec('ALTER TABLE backup_lock ADD COLUMN host TEXT');
  }

  // Chains

  createChain(chainId: string, replicaSet: string): void {
    this.db.prepare("INSERT INTO backup_chains (chain_id, replica_set, created_at, state) VALUES (?, ?, ?, 'building')").run(chainId, replicaSet, new Date().toISOString());
  }

  chain(chainId: string): ChainRow | null {
    const r = this.db.prepare('SELECT * FROM backup_chains WHERE chain_id = ?').get(chainId) as Row | undefined;
    return r ? chainFrom(r) : null;
  }

  /** The newest chain that is not superseded: the one the pipeline extends. */
  currentChain(): ChainRow | null {
    const r = this.db.prepare("SELECT * FROM backup_chains WHERE state != 'superseded' ORDER BY created_at DESC, rowid DESC LIMIT 1").get() as Row | undefined;
    return r ? chainFrom(r) : null;
  }

  /** The newest chain DR holds data of (for RPO while a new baseline is still on its way). */
  lastAppliedChain(): ChainRow | null {
    const r = this.db.prepare('SELECT * FROM backup_chains WHERE applied_seq IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as Row | undefined;
    return r ? chainFrom(r) : null;
  }

  /** A baseline was applied: this chain becomes the active one, every other is superseded. */
  activateChain(chainId: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE backup_chains SET state = 'superseded' WHERE chain_id != ? AND state != 'superseded'").run(chainId);
      this.db.prepare("UPDATE backup_chains SET state = 'active' WHERE chain_id = ?").run(chainId);
    })();
  }

  /** Every chain retired at once (a fresh sandbox holds none of their data); returns how many were. */
  retireChains(): number {
    return this.db.prepare("UPDATE backup_chains SET state = 'superseded' WHERE state != 'superseded'").run().changes;
  }

  breakChain(chainId: string, code: string, message: string): void {
    this.db
      .prepare("UPDATE backup_chains SET state = 'broken', broken_code = ?, broken_message = ?, broken_at = ? WHERE chain_id = ? AND state != 'superseded'")
      .run(code, message, new Date().toISOString(), chainId);
  }

  /**
   * Rebuilds the cache of a chain from a replica set's chain document: the chain row at the head DR applied
   * and that head slice (its files are not here; they were shipped by whoever captured it). Local slices of
   * that chain are dropped first: a cache that is behind or diverged must not be extended. The chain becomes
   * the active one. Earlier slices are history this workstation never had.
   */
  adoptChain(a: { chainId: string; replicaSet: string; startedAt: Date; head: Manifest; headSha: string; appliedWall: number | null }): void {
    const m = a.head;
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM backup_slices WHERE chain_id = ?').run(a.chainId);
      this.db
        .prepare(
          `INSERT INTO backup_chains (chain_id, replica_set, created_at, state, captured_seq, captured_ts, applied_seq, applied_ts, applied_wall)
           VALUES (@id, @rs, @created, 'active', @seq, @ts, @seq, @ts, @wall)
           ON CONFLICT(chain_id) DO UPDATE SET state = 'active', broken_code = NULL, broken_message = NULL, broken_at = NULL, captured_seq = @seq, captured_ts = @ts,
             applied_seq = @seq, applied_ts = @ts, applied_wall = @wall, target_ts = NULL, idle_checked_at = NULL`,
        )
        .run({ id: a.chainId, rs: a.replicaSet, created: a.startedAt.toISOString(), seq: m.seq, ts: m.toTs, wall: a.appliedWall });
      this.db
        .prepare(
          "INSERT INTO backup_slices (chain_id, seq, manifest, manifest_sha, state, applied_at, local_deleted, remote_deleted) VALUES (?, ?, ?, ?, 'applied', ?, 1, 1)",
        )
        .run(a.chainId, m.seq, JSON.stringify(m), a.headSha, now);
      this.setSetting(`adopted:${a.chainId}`, String(m.seq));
    })();
    this.activateChain(a.chainId);
  }

  /** The first sequence this cache holds of a chain taken from a replica set's chain document, or null. */
  adoptedFrom(chainId: string): number | null {
    const v = this.setting(`adopted:${chainId}`);
    return v === null ? null : Number(v);
  }

  hasSlices(chainId: string): boolean {
    return this.db.prepare('SELECT 1 FROM backup_slices WHERE chain_id = ? LIMIT 1').get(chainId) !== undefined;
  }

  setIdleChecked(chainId: string, at: number): void {
    this.db.prepare('UPDATE backup_chains SET idle_checked_at = ? WHERE chain_id = ?').run(at, chainId);
  }

  // Slices

  addSlice(m: Manifest, manifestSha: string): void {
    this.db.transaction(() => {
      this.db
        .prepare("INSERT INTO backup_slices (chain_id, seq, manifest, manifest_sha, state) VALUES (?, ?, ?, ?, 'captured')")
        .run(m.chainId, m.seq, JSON.stringify(m), manifestSha);
      this.db.prepare('UPDATE backup_chains SET captured_seq = ?, captured_ts = ?, idle_checked_at = NULL WHERE chain_id = ?').run(m.seq, m.toTs, m.chainId);
    })();
  }

  slices(chainId: string): SliceRow[] {
    return (this.db.prepare('SELECT * FROM backup_slices WHERE chain_id = ? ORDER BY seq').all(chainId) as Row[]).map(sliceFrom);
  }

  slice(chainId: string, seq: number): SliceRow | null {
    const r = this.db.prepare('SELECT * FROM backup_slices WHERE chain_id = ? AND seq = ?').get(chainId, seq) as Row | undefined;
    return r ? sliceFrom(r) : null;
  }

  /** Every slice still holding files somewhere, oldest first (retention works on this list). */
  slicesWithFiles(): SliceRow[] {
    return (
      this.db
        .prepare('SELECT s.* FROM backup_slices s JOIN backup_chains c USING (chain_id) WHERE s.local_deleted = 0 OR s.remote_deleted = 0 ORDER BY c.created_at, c.rowid, s.seq')
        .all() as Row[]
    ).map(sliceFrom);
  }

  setState(chainId: string, seq: number, state: SliceState): void {
    const col = state === 'shipped' ? 'shipped_at' : state === 'verified' ? 'verified_at' : null;
    const at = new Date().toISOString();
    if (col) this.db.prepare(`UPDATE backup_slices SET state = ?, ${col} = ? WHERE chain_id = ? AND seq = ?`).run(state, at, chainId, seq);
    else this.db.prepare('UPDATE backup_slices SET state = ? WHERE chain_id = ? AND seq = ?').run(state, chainId, seq);
  }

  /** Records a problem; `fail` also marks the slice failed (it will be shipped again unless the chain broke). */
  setProblem(chainId: string, seq: number, code: string, message: string, fail: boolean): void {
    this.db
      .prepare(`UPDATE backup_slices SET problem_code = ?, problem_message = ?, problem_at = ?${fail ? ", state = 'failed'" : ''} WHERE chain_id = ? AND seq = ?`)
      .run(code, message, new Date().toISOString(), chainId, seq);
  }

  countShipAttempt(chainId: string, seq: number): void {
    this.db.prepare('UPDATE backup_slices SET ship_attempts = ship_attempts + 1 WHERE chain_id = ? AND seq = ?').run(chainId, seq);
  }

  setSafetyPoint(chainId: string, seq: number, ts: string | null): void {
    this.db.prepare('UPDATE backup_slices SET safety_ts = ?, safety_at = ? WHERE chain_id = ? AND seq = ?').run(ts, new Date().toISOString(), chainId, seq);
  }

  setApplyProgress(chainId: string, seq: number, ts: string | null): void {
    this.db.prepare('UPDATE backup_slices SET apply_ts = ? WHERE chain_id = ? AND seq = ?').run(ts, chainId, seq);
  }

  /** The slice's entries are on DR: record it and the chain's applied position in one transaction. */
  markApplied(m: Manifest, appliedWall: number | null, targetTs: string | null): void {
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE backup_slices SET state = 'applied', applied_at = ?, apply_count = apply_count + 1, apply_ts = NULL WHERE chain_id = ? AND seq = ?")
        .run(new Date().toISOString(), m.chainId, m.seq);
      this.db
        .prepare('UPDATE backup_chains SET applied_seq = ?, applied_ts = ?, applied_wall = COALESCE(?, applied_wall), target_ts = ? WHERE chain_id = ?')
        .run(m.seq, m.toTs, appliedWall, targetTs, m.chainId);
    })();
  }

  markFilesDeleted(chainId: string, seq: number, side: 'local' | 'remote'): void {
    this.db.prepare(`UPDATE backup_slices SET ${side === 'local' ? 'local_deleted' : 'remote_deleted'} = 1 WHERE chain_id = ? AND seq = ?`).run(chainId, seq);
  }

  // Cycles

  startCycle(kind: CycleRecord['kind'], trigger: CycleRecord['trigger'], deadlineAt: Date): CycleRecord {
    const r = this.db
      .prepare("INSERT INTO backup_cycles (kind, trigger, state, started_at, deadline_at) VALUES (?, ?, 'running', ?, ?)")
      .run(kind, trigger, new Date().toISOString(), deadlineAt.toISOString());
    return this.cycle(Number(r.lastInsertRowid)) as CycleRecord;
  }

  cycle(id: number): CycleRecord | null {
    const r = this.db.prepare('SELECT * FROM backup_cycles WHERE id = ?').get(id) as Row | undefined;
    return r ? cycleFrom(r) : null;
  }

  countCycle(id: number, field: 'captured' | 'shipped' | 'applied' | 'bytes', by = 1): void {
    this.db.prepare(`UPDATE backup_cycles SET ${field} = ${field} + ? WHERE id = ?`).run(by, id);
  }

  /** Ends a running cycle; a cycle already ended (e.g. failed at its deadline) keeps its first verdict. */
  finishCycle(id: number, state: 'ok' | 'failed', error: { code: string; message: string } | null): CycleRecord {
    this.db
      .prepare("UPDATE backup_cycles SET state = ?, finished_at = ?, error_code = ?, error_message = ? WHERE id = ? AND state = 'running'")
      .run(state, new Date().toISOString(), error?.code ?? null, error?.message ?? null, id);
    return this.cycle(id) as CycleRecord;
  }

  /**
   * At start-up: cycles left "running" by a process that died are failed, never shown as running forever.
   * While another live process holds the lock its running cycle is real and is left alone (a status read
   * from the CLI must not turn it into a false failure).
   */
  failInterruptedCycles(): number {
    if (this.liveLockHolder()) return 0;
    return this.db
      .prepare("UPDATE backup_cycles SET state = 'failed', finished_at = ?, error_code = 'CYCLE_INTERRUPTED', error_message = 'DR Desk stopped while this cycle ran; the next cycle picks up where it left off.' WHERE state = 'running'")
      .run(new Date().toISOString()).changes;
  }

  recentCycles(limit: number): CycleRecord[] {
    return (this.db.prepare('SELECT * FROM backup_cycles ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(cycleFrom);
  }

  /** The last `n` finished cycles of a kind, newest first. */
  lastFinished(kind: CycleRecord['kind'], n: number): CycleRecord[] {
    return (this.db.prepare("SELECT * FROM backup_cycles WHERE kind = ? AND state != 'running' ORDER BY id DESC LIMIT ?").all(kind, n) as Row[]).map(cycleFrom);
  }

  // Cross-process lock: the app and `drdesk agent` may share a data directory; one cycle at a time across both.

  /**
   * The lock's holder when it is alive: not expired, and on this host its pid still runs. A holder killed
   * on this machine therefore never blocks a restart, even before its lock expires.
   */
  liveLockHolder(now = Date.now()): { owner: string; label: string } | null {
    const r = this.db.prepare('SELECT owner, label, expires_at, pid, host FROM backup_lock WHERE id = 1').get() as Row | undefined;
    if (!r || Number(r.expires_at) <= now) return null;
    if (r.pid !== null && r.pid !== undefined && String(r.host) === hostname() && !pidAlive(Number(r.pid))) return null;
    return { owner: String(r.owner), label: String(r.label) };
  }

  /** Takes (or renews) the lock for `owner`; returns the current holder when a live other process has it. */
  acquireLock(owner: string, label: string, ttlMs: number, pid = process.pid): { ok: true } | { ok: false; owner: string; label: string } {
    return this.db.transaction(() => {
      const live = this.liveLockHolder();
      if (live && live.owner !== owner) return { ok: false as const, ...live };
      this.db
        .prepare(
          'INSERT INTO backup_lock (id, owner, label, expires_at, pid, host) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, label = excluded.label, expires_at = excluded.expires_at, pid = excluded.pid, host = excluded.host',
        )
        .run(owner, label, Date.now() + ttlMs, pid, hostname());
      return { ok: true as const };
    }).immediate();
  }

  releaseLock(owner: string): void {
    this.db.prepare('DELETE FROM backup_lock WHERE id = 1 AND owner = ?').run(owner);
  }

  // RPO series and settings

  addRpoSample(at: number, seconds: number | null, target: number, level: string): void {
    this.db.prepare('INSERT INTO backup_rpo (at, seconds, target, level) VALUES (?, ?, ?, ?)').run(at, seconds, target, level);
  }

  rpoSince(sinceMs: number): Array<{ at: number; seconds: number | null }> {
    return (this.db.prepare('SELECT at, seconds FROM backup_rpo WHERE at >= ? ORDER BY at').all(sinceMs) as Row[]).map((r) => ({ at: Number(r.at), seconds: num(r.seconds) }));
  }

  pruneRpo(beforeMs: number): void {
    this.db.prepare('DELETE FROM backup_rpo WHERE at < ?').run(beforeMs);
  }

  setting(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM backup_settings WHERE key = ?').get(key) as Row | undefined;
    return r ? String(r.value) : null;
  }

  setSetting(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM backup_settings WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO backup_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

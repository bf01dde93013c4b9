import { EJSON } from 'bson';
import type { Database } from 'better-sqlite3';
import type { ArchiveSummary } from '../archive';
import type { BaselinePlan } from './plan';

/**
 * A baseline in progress, kept in the workstation's database so a baseline cut short (the engine killed, the
 * link down, the cycle's deadline) resumes where it stood: the position the copy began at, the plan (its
 * _id bounds in canonical extended JSON, so every BSON type survives), and each part once its file is
 * finished in the outbox. It is a cache: a lost database only costs the copy again, never correctness.
 */
export interface SavedBaseline {
  chainId: string;
  startTs: string;
  /** The start position's wall time: a baseline with no oplog entries reaches it. */
  startWall: string | null;
  headCheckedAt: string;
  dcVersion: string;
  plan: BaselinePlan;
}

export interface CopiedPart extends ArchiveSummary {
  index: number;
  archive: string;
  /** The source member's newest position once the part was read: the head's oplog must reach it. */
  untilTs: string;
}

type Row = Record<string, unknown>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS baseline_plans (
  chain_id TEXT PRIMARY KEY,
  start_ts TEXT NOT NULL,
  start_wall TEXT,
  head_checked_at TEXT NOT NULL,
  dc_version TEXT NOT NULL,
  plan TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS baseline_parts (
  chain_id TEXT NOT NULL REFERENCES baseline_plans(chain_id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  archive TEXT NOT NULL,
  documents INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  until_ts TEXT NOT NULL,
  PRIMARY KEY (chain_id, idx)
);`;

export class BaselinePartStore {
  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
  }

  save(b: SavedBaseline): void {
    this.db
      .prepare('INSERT INTO baseline_plans (chain_id, start_ts, start_wall, head_checked_at, dc_version, plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(b.chainId, b.startTs, b.startWall, b.headCheckedAt, b.dcVersion, EJSON.stringify(b.plan, { relaxed: false }), new Date().toISOString());
  }

  get(chainId: string): SavedBaseline | null {
    const r = this.db.prepare('SELECT * FROM baseline_plans WHERE chain_id = ?').get(chainId) as Row | undefined;
    if (!r) return null;
    // Canonical EJSON keeps every value's BSON type (an Int32 _id bound stays one); the plan's own counters become numbers again.
    const plan = EJSON.parse(String(r.plan), { relaxed: false }) as BaselinePlan;
    plan.collections = plan.collections.map((c) => ({ ...c, estimate: Number(c.estimate) }));
    plan.parts = plan.parts.map((p) => ({ ...p, index: Number(p.index) }));
    return { chainId, startTs: String(r.start_ts), startWall: r.start_wall === null ? null : String(r.start_wall), headCheckedAt: String(r.head_checked_at), dcVersion: String(r.dc_version), plan };
  }

  partCopied(chainId: string, p: CopiedPart): void {
    this.db
      .prepare('INSERT OR REPLACE INTO baseline_parts (chain_id, idx, archive, documents, bytes, raw_bytes, sha256, until_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(chainId, p.index, p.archive, p.documents, p.bytes, p.rawBytes, p.sha256, p.untilTs);
  }

  copied(chainId: string): CopiedPart[] {
    const rows = this.db.prepare('SELECT * FROM baseline_parts WHERE chain_id = ? ORDER BY idx').all(chainId) as Row[];
    return rows.map((r) => ({ index: Number(r.idx), archive: String(r.archive), documents: Number(r.documents), bytes: Number(r.bytes), rawBytes: Number(r.raw_bytes), sha256: String(r.sha256), untilTs: String(r.until_ts) }));
  }

  forgetPart(chainId: string, index: number): void {
    this.db.prepare('DELETE FROM baseline_parts WHERE chain_id = ? AND idx = ?').run(chainId, index);
  }

  /** Once the baseline is published (its manifest lists the parts) or abandoned, its plan is not needed. */
  drop(chainId: string): void {
    this.db.prepare('DELETE FROM baseline_plans WHERE chain_id = ?').run(chainId);
  }

  /** Plans of every other chain: a new baseline abandons any earlier one in progress. */
  dropAllBut(chainId: string): string[] {
    const gone = (this.db.prepare('SELECT chain_id FROM baseline_plans WHERE chain_id != ?').all(chainId) as Row[]).map((r) => String(r.chain_id));
    this.db.prepare('DELETE FROM baseline_plans WHERE chain_id != ?').run(chainId);
    return gone;
  }
}

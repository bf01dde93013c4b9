import type { Database } from 'better-sqlite3';
import type { Overview, StandingFenceView } from '../../shared/monitor';
import { serviceId } from '../feature/contract';
import type { MemberAddress } from './runbook';

/** What the fence step approved: the members of the old site and how long they stay frozen / stepped down. */
export interface FenceOrder {
  site: string;
  members: MemberAddress[];
  seconds: number;
}

export type FenceRunner = (order: FenceOrder) => Promise<{ summary: string }>;

interface Row {
  site: string;
  execution_id: string;
  members: string;
  seconds: number;
  created_at: string;
  state: StandingFenceView['state'];
  applied_at: string | null;
  message: string;
}

/**
 * The standing fence: when the DR activation's fence step could not reach members of the old site, it
 * records the order here (one per site, the latest activation's). While an activation stands, the first
 * overview in which that site answers again runs the same fence, once, and reports it; a failback (the
 * activation record ends) retires the order. Kept in Desk's database, so it survives a restart.
 */
export class StandingFences {
  private busy = false;
  /** How an applied or failed fence is told to the person at the desk (the monitor's feature sets it). */
  report: (title: string, body: string, level: 'info' | 'warning' | 'error', site: string) => void = () => undefined;

  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS monitor_standing_fence (
      site TEXT PRIMARY KEY, execution_id TEXT NOT NULL, members TEXT NOT NULL, seconds INTEGER NOT NULL,
      created_at TEXT NOT NULL, state TEXT NOT NULL, applied_at TEXT, message TEXT NOT NULL)`);
    // Whether an activation was seen standing since the order was written (a database from before has none).
    if (!(db.prepare('PRAGMA table_info(monitor_standing_fence)').all() as Array<{ name: string }>).some((c) => c.name === 'seen_active'))
      db.exec('ALTER TABLE monitor_standing_fence ADD COLUMN seen_active INTEGER NOT NULL DEFAULT 0');
  }

  /** The fence step counted `unreachable` members of the site as down: fence them when they answer. */
  record(executionId: string, order: FenceOrder, unreachable: string[]): void {
    this.db
      .prepare('INSERT OR REPLACE INTO monitor_standing_fence (site, execution_id, members, seconds, created_at, state, applied_at, message, seen_active) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 0)')
      .run(order.site, executionId, JSON.stringify(order.members), order.seconds, new Date().toISOString(), 'waiting', `${unreachable.join(', ')} did not answer during the activation: DR Desk fences ${order.site} the moment it answers again.`);
  }

  list(): StandingFenceView[] {
    return (this.db.prepare('SELECT * FROM monitor_standing_fence ORDER BY site').all() as Row[]).map((r) => ({
      site: r.site,
      executionId: r.execution_id,
      members: (JSON.parse(r.members) as MemberAddress[]).map((m) => m.name),
      createdAt: r.created_at,
      state: r.state,
      appliedAt: r.applied_at,
      message: r.message,
    }));
  }

  /**
   * Called with every evaluated overview. Without an activation the orders are retired (a failback swapped
   * the roles back). A waiting order whose site answers is run once; its result is kept and reported.
   */
  async onOverview(o: Overview, run: FenceRunner): Promise<void> {
    if (this.busy || o.activation === undefined) return;
    if (o.activation === null) {
      // The fence step runs before the activation is recorded (its step 4), so an order the activation has
      // not been seen with yet belongs to the run in progress and stays; one past its fence window without
      // ever seeing the activation (the run stopped before it) goes as well.
      const now = Date.now();
      for (const r of this.db.prepare('SELECT * FROM monitor_standing_fence').all() as Array<Row & { seen_active: number }>)
        if (r.seen_active === 1 || Date.parse(r.created_at) + r.seconds * 1000 <= now) this.db.prepare('DELETE FROM monitor_standing_fence WHERE site = ?').run(r.site);
      return;
    }
    this.db.prepare('UPDATE monitor_standing_fence SET seen_active = 1 WHERE seen_active = 0').run();
    // Waiting: run as soon as the site answers. Applied: a fence lasts its seconds; should the site elect a
    // primary again while the activation stands, the same order runs again.
    const site = (name: string) => o.sites.find((s) => s.name === name);
    const due = (this.db.prepare('SELECT * FROM monitor_standing_fence').all() as Row[]).filter((r) =>
      r.state === 'waiting' ? site(r.site)?.reachable === true : (site(r.site)?.replicaSets.some((rs) => rs.primary !== null) ?? false),
    );
    if (due.length === 0) return;
    this.busy = true;
    try {
      for (const r of due) {
        const order: FenceOrder = { site: r.site, members: JSON.parse(r.members) as MemberAddress[], seconds: r.seconds };
        const at = new Date().toISOString();
        try {
          const out = await run(order);
          const message = `${r.site} answered again after the activation (${r.execution_id}) and DR Desk fenced it, as the approved plan's fence step ordered: ${out.summary}`;
          this.db.prepare("UPDATE monitor_standing_fence SET state = 'applied', applied_at = ?, message = ? WHERE site = ?").run(at, message, r.site);
          this.report(`${r.site} fenced`, message, 'warning', r.site);
        } catch (err) {
          const message = `${r.site} answered again after the activation (${r.execution_id}) but the standing fence failed: ${(err as Error).message}`;
          this.db.prepare("UPDATE monitor_standing_fence SET state = 'failed', applied_at = ?, message = ? WHERE site = ?").run(at, message, r.site);
          this.report(`${r.site}: fence failed`, message, 'error', r.site);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** The standing fences of a Desk: the activation's fence step writes them, the operator's picture carries them out. */
export const STANDING_FENCES = serviceId<StandingFences>('standing fences', (ctx) => new StandingFences(ctx.database.db));

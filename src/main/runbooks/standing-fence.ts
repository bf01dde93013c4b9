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
  }

  /** The fence step counted `unreachable` members of the site as down: fence them when they answer. */
  record(executionId: string, order: FenceOrder, unreachable: string[]): void {
    this.db
      .prepare('INSERT OR REPLACE INTO monitor_standing_fence VALUES (?, ?, ?, ?, ?, ?, NULL, ?)')
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
      this.db.prepare('DELETE FROM monitor_standing_fence').run();
      return;
    }
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

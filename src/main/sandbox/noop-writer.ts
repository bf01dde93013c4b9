import type { Member } from './member';
import { compareOpTime, type OpTime } from './oplog';
import type { ReplicaSet } from './replica-set';

/** mongod's periodicNoopIntervalSecs default (src/mongo/db/repl/repl_server_parameters.idl). */
export const DEFAULT_NOOP_INTERVAL_MS = 10_000;

/**
 * The primary's periodic no-op, as src/mongo/db/repl/noop_writer.cpp writes it: every interval, a primary
 * whose last applied optime is still the one it saw at the previous tick (no write in between) appends
 * {op:'n', ns:'', o:{msg:'periodic noop'}}; a primary that did write only remembers its new optime. It keeps an
 * idle set's optimes (and so lag and the oplog window seen by clients) moving, which DR Desk's monitor relies on.
 */
export class NoopWriter {
  private timer: NodeJS.Timeout | null = null;
  private readonly lastKnown = new Map<Member, OpTime>();

  constructor(
    private readonly set: ReplicaSet,
    readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer || !(this.intervalMs > 0)) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastKnown.clear();
  }

  /** One pass of the writer (exported for the tests' deterministic use). */
  tick(): void {
    for (const m of this.set.members) {
      if (!m.alive || !m.isPrimary) {
        this.lastKnown.delete(m);
        continue;
      }
      const applied = m.lastApplied();
      const known = this.lastKnown.get(m);
      // A member that has just become primary starts from its current optime, as startWritingPeriodicNoops does.
      if (known && compareOpTime(known, applied) === 0) this.set.logOp(m, { op: 'n', ns: '', o: { msg: 'periodic noop' } });
      this.lastKnown.set(m, m.lastApplied());
    }
  }
}

import type { ChartPoint } from '../../shared/api/drill-report';
import { hello, type MongoAccess } from '../runbooks/handlers/mongo-access';
import type { MemberAddress } from '../runbooks/runbook';
import type { WorkloadLedger } from '../sandbox/types';

export interface RpoMeasure {
  acknowledged: number;
  missing: number;
  /** Seconds between the newest acknowledged write and the newest one present on the target. */
  rpoSeconds: number | null;
  /** DC wall time of the newest acknowledged write present on the target. */
  recoveredTo: string | null;
}

/**
 * Which acknowledged writes (from the sandbox workload's ledger) the target replica set holds. Ids found
 * once are not asked again — a target only gains workload documents during a drill — so each sample asks
 * only about the writes not yet seen there.
 */
export class DataTracker {
  private readonly present = new Set<string>();
  private newestPresentAt: number | null = null;
  readonly samples: ChartPoint[] = [];

  constructor(
    private readonly mongo: MongoAccess,
    private readonly ledger: WorkloadLedger,
    private readonly namespace: { db: string; collection: string },
    private members: MemberAddress[],
    private readonly startedAt: number,
  ) {}

  /** Points the tracker at another replica set (failback measures on DC after measuring on DR). */
  retarget(members: MemberAddress[]): void {
    this.members = members;
    this.present.clear();
    this.newestPresentAt = null;
  }

  private async readable(): Promise<MemberAddress | null> {
    const states = await Promise.all(this.members.map(async (m) => ({ m, h: await hello(this.mongo, m.address, 2000) })));
    return (states.find((s) => s.h.writablePrimary) ?? states.find((s) => s.h.reachable))?.m ?? null;
  }

  /** Asks the target about every acknowledged write not yet seen there; returns null when it cannot be read. */
  async measure(): Promise<RpoMeasure | null> {
    const acked = this.ledger.ackedIds();
    const member = await this.readable();
    if (!member) return null;
    const unknown = acked.filter((a) => !this.present.has(a.id));
    const at = new Map(acked.map((a) => [a.id, a.at]));
    for (let i = 0; i < unknown.length; i += 2000) {
      const ids = unknown.slice(i, i + 2000).map((a) => a.id);
      const r = await this.mongo
        .command(member.address, { find: this.namespace.collection, filter: { _id: { $in: ids } }, projection: { _id: 1 }, batchSize: ids.length, singleBatch: true }, { db: this.namespace.db, timeoutMs: 10_000 })
        .catch(() => null);
      if (!r) return null;
      for (const d of (r.cursor?.firstBatch ?? []) as Array<{ _id: unknown }>) {
        const id = String(d._id);
        this.present.add(id);
        const t = at.get(id);
        if (t !== undefined && (this.newestPresentAt === null || t > this.newestPresentAt)) this.newestPresentAt = t;
      }
    }
    const newestAck = acked.reduce<number | null>((m, a) => (m === null || a.at > m ? a.at : m), null);
    const missing = acked.filter((a) => !this.present.has(a.id)).length;
    const rpoSeconds = newestAck === null ? 0 : missing === 0 ? 0 : this.newestPresentAt === null ? null : Math.max(0, (newestAck - this.newestPresentAt) / 1000);
    return { acknowledged: acked.length, missing, rpoSeconds, recoveredTo: this.newestPresentAt === null ? null : new Date(this.newestPresentAt).toISOString() };
  }

  /** Whether the last measure() found this acknowledged write on the target. */
  has(id: string): boolean {
    return this.present.has(id);
  }

  /** One chart point: the target's lag and missing writes now (null where it cannot be read). */
  async sample(): Promise<void> {
    const m = await this.measure().catch(() => null);
    this.samples.push({ t: (Date.now() - this.startedAt) / 1000, lagSeconds: m?.rpoSeconds ?? null, missingWrites: m?.missing ?? null });
  }
}

import { ObjectId } from 'mongodb';
import type { ChartPoint } from '../../shared/api/drill-report';
import { hello, type MongoAccess } from '../runbooks/steps/mongo-access';
import type { MemberAddress } from '../runbooks/runbook';
import type { RpoMeasure } from '../reports/model';
import type { WorkloadLedger } from '../sandbox/types';

/**
 * Which acknowledged writes (from the sandbox workload's ledger) the target replica set holds. Ids found
 * once are not asked again — a target only gains workload data during a drill — so each sample asks only
 * about the writes not yet seen there.
 */
export class DataTracker {
  private readonly present = new Set<string>();
  private newestPresentAt: number | null = null;
  readonly samples: ChartPoint[] = [];

  constructor(
    private readonly mongo: MongoAccess,
    private readonly ledger: WorkloadLedger,
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
    const at = new Map(acked.map((a) => [a.id, a.at]));
    const found = await presentOn(this.mongo, member.address, acked.filter((a) => !this.present.has(a.id)).map((a) => a.id));
    if (!found) return null;
    for (const id of found) {
      this.present.add(id);
      const t = at.get(id);
      if (t !== undefined && (this.newestPresentAt === null || t > this.newestPresentAt)) this.newestPresentAt = t;
    }
    const newestAck = acked.reduce<number | null>((m, a) => (m === null || a.at > m ? a.at : m), null);
    const missing = acked.filter((a) => !this.present.has(a.id)).length;
    const rpoSeconds = newestAck === null || missing === 0 ? 0 : this.newestPresentAt === null ? null : Math.max(0, (newestAck - this.newestPresentAt) / 1000);
    const missingAt = acked.filter((a) => !this.present.has(a.id)).map((a) => a.at);
    return { acknowledged: acked.length, missing, rpoSeconds, recoveredTo: this.newestPresentAt === null ? null : new Date(this.newestPresentAt).toISOString(), newestAckAt: newestAck, missingAt };
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

/**
 * Which ledger ids a member holds. Ids name their document: "db.coll/<ObjectId hex>" for an insert,
 * "db.coll/<_id>@<n>" for an update that is there once the document's version is at least n.
 */
async function presentOn(mongo: MongoAccess, address: string, ids: string[]): Promise<string[] | null> {
  const byNs = new Map<string, Array<{ ledgerId: string; key: unknown; version: number | null }>>();
  for (const id of ids) {
    const slash = id.indexOf('/');
    const ns = id.slice(0, slash);
    const rest = id.slice(slash + 1);
    const at = rest.lastIndexOf('@');
    const raw = at >= 0 ? rest.slice(0, at) : rest;
    const version = at >= 0 ? Number(rest.slice(at + 1)) : null;
    const key = /^[0-9a-f]{24}$/.test(raw) ? new ObjectId(raw) : raw;
    if (!byNs.has(ns)) byNs.set(ns, []);
    byNs.get(ns)!.push({ ledgerId: id, key, version: version !== null && Number.isFinite(version) ? version : null });
  }
  const out: string[] = [];
  for (const [ns, items] of byNs) {
    const dot = ns.indexOf('.');
    const [db, coll] = [ns.slice(0, dot), ns.slice(dot + 1)];
    const keys = [...new Map(items.map((i) => [String(i.key), i.key])).values()];
    for (let i = 0; i < keys.length; i += 2000) {
      const chunk = keys.slice(i, i + 2000);
      const r = await mongo
        .command(address, { find: coll, filter: { _id: { $in: chunk } }, projection: { _id: 1, version: 1 }, batchSize: chunk.length + 1, singleBatch: true }, { db, timeoutMs: 10_000 })
        .catch(() => null);
      if (!r) return null;
      const docs = new Map(((r.cursor?.firstBatch ?? []) as Array<{ _id: unknown; version?: unknown }>).map((d) => [String(d._id), typeof d.version === 'number' ? d.version : Number(d.version ?? NaN)]));
      for (const it of items) {
        if (!docs.has(String(it.key))) continue;
        if (it.version === null || (docs.get(String(it.key)) ?? -1) >= it.version) out.push(it.ledgerId);
      }
    }
  }
  return out;
}

import type { Document } from 'mongodb';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DataTracker } from '../../../src/main/drills/data-tracker';
import type { MongoAccess } from '../../../src/main/runbooks/steps/mongo-access';
import type { WorkloadLedger } from '../../../src/main/sandbox/types';

/** A target holding some events and incident versions; answers hello and find like a primary. */
function target(events: ObjectId[], incidents: Record<string, number>): MongoAccess & { finds: number } {
  const m = {
    finds: 0,
    async command(_address: string, cmd: Document) {
      if (cmd.hello) return { isWritablePrimary: true };
      m.finds++;
      const ids = (cmd.filter._id.$in as unknown[]).map(String);
      const docs = cmd.find === 'events' ? events.filter((e) => ids.includes(String(e))).map((e) => ({ _id: e })) : Object.entries(incidents).filter(([k]) => ids.includes(k)).map(([k, v]) => ({ _id: k, version: v }));
      return { cursor: { firstBatch: docs } };
    },
    async close() {},
  };
  return m;
}

describe('RPO from the workload ledger', () => {
  it('counts acknowledged writes missing on the target and the time span they cover', async () => {
    const a = new ObjectId();
    const b = new ObjectId();
    const c = new ObjectId();
    const acked = [
      { id: `soar.events/${a.toHexString()}`, at: 1000, majority: true },
      { id: 'soar.incidents/INC-0001@3', at: 2000, majority: true },
      { id: `soar.events/${b.toHexString()}`, at: 3000, majority: true },
      { id: 'soar.incidents/INC-0001@4', at: 4000, majority: false },
      { id: `soar.events/${c.toHexString()}`, at: 6500, majority: false },
    ];
    const ledger: WorkloadLedger = { acknowledged: 5, acknowledgedMajority: 3, failed: 0, lastAckAt: null, ackedIds: () => acked };
    const mongo = target([a, b], { 'INC-0001': 3 });
    const t = new DataTracker(mongo, ledger, [{ name: 'dr-1', address: '127.0.0.1:1' }], 0);
    const m = await t.measure();
    expect(m).toEqual({ acknowledged: 5, missing: 2, rpoSeconds: 3.5, recoveredTo: new Date(3000).toISOString(), newestAckAt: 6500, missingAt: [4000, 6500] });
    expect(t.has('soar.incidents/INC-0001@3')).toBe(true);
    expect(t.has('soar.incidents/INC-0001@4')).toBe(false);
    // Found ids are not asked again.
    const before = mongo.finds;
    await t.measure();
    expect(mongo.finds - before).toBe(2);
  });
});

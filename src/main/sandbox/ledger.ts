import type { WorkloadLedger } from './types';

/**
 * Every write the workload got acknowledged, in order: an id a drill can look for on a target
 * ("soar.events/<ObjectId>" for an insert, "soar.incidents/<id>@<version>" for an update: present on a
 * target when that incident's version is at least the number), when, and whether w:"majority" confirmed it.
 * Kept in flat arrays: half a million entries cost a few tens of MB.
 */
export class Ledger implements WorkloadLedger {
  acknowledged = 0;
  acknowledgedMajority = 0;
  failed = 0;
  lastAckAt: string | null = null;
  private readonly ids: string[] = [];
  private readonly ats: number[] = [];
  private readonly majority: boolean[] = [];

  record(id: string, at: number, majority: boolean): void {
    this.ids.push(id);
    this.ats.push(at);
    this.majority.push(majority);
    this.acknowledged++;
    if (majority) this.acknowledgedMajority++;
    this.lastAckAt = new Date(at).toISOString();
  }

  fail(): void {
    this.failed++;
  }

  ackedIds(): Array<{ id: string; at: number; majority: boolean }> {
    return this.ids.map((id, i) => ({ id, at: this.ats[i], majority: this.majority[i] }));
  }
}

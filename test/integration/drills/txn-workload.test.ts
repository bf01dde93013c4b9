import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { sandboxBackup } from '../../../src/main/drills/sandbox-backup';
import { runSandboxDrill } from '../../../src/main/drills/sandbox-drill';
import { startSandbox } from '../../../src/main/sandbox';
import { setUri } from '../sandbox/helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function read(uri: string, fn: (c: MongoClient) => Promise<Document[]>): Promise<Document[]> {
  const c = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.close(true);
  }
}

const soar = (uri: string, coll: string) => read(uri, (c) => c.db('soar').collection(coll).find({}).sort({ _id: 1 }).toArray());

describe('the transactional workload through the backup pipeline', () => {
  it('baseline and slices taken while every write is a transaction: DR ends equal to DC, each acknowledged write there once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drdesk-txn-'));
    const sb = await startSandbox({ fast: true, workloadOpsPerSec: 40, workloadTransactions: true, dir });
    try {
      while (sb.ledger.acknowledged < 20) await sleep(50);
      // the baseline is taken while transactions commit: the slices after it must continue exactly where it ended
      const b = await sandboxBackup(sb, dir);
      const atBaseline = sb.ledger.acknowledged;
      try {
        const ctx = { signal: new AbortController().signal };
        for (let i = 0; i < 3; i++) {
          await sleep(800);
          await b.backup.cycle('DC', 'DR', ctx);
        }
        await sb.stopWorkload();
        await b.backup.cycle('DC', 'DR', ctx);
      } finally {
        await b.close();
      }
      const dc = setUri(sb, 'DC');
      const dr = setUri(sb, 'DR');
      // the workload really wrote transactions: applyOps entries on admin.$cmd carrying both collections
      const txns = await read(dc, (c) => c.db('local').collection('oplog.rs').find({ op: 'c', ns: 'admin.$cmd', 'o.applyOps': { $exists: true } }).toArray());
      expect(txns.length).toBeGreaterThanOrEqual(20);
      expect(new Set(txns.flatMap((t) => (t.o.applyOps as Document[]).map((o) => o.ns)))).toEqual(new Set(['soar.events', 'soar.incidents']));

      const [dcEvents, drEvents, dcIncidents, drIncidents] = await Promise.all([soar(dc, 'events'), soar(dr, 'events'), soar(dc, 'incidents'), soar(dr, 'incidents')]);
      // nothing lost: every write the workload had acknowledged is on DR
      const acked = sb.ledger.ackedIds().map((a) => a.id.replace('soar.events/', ''));
      // and most of them reached DR through slices, not the baseline
      expect(sb.ledger.acknowledged).toBeGreaterThanOrEqual(atBaseline + 40);
      const onDr = new Set(drEvents.map((e) => String(e._id)));
      expect(acked.filter((id) => !onDr.has(id))).toEqual([]);
      // DR equals DC document by document
      expect(drEvents).toEqual(dcEvents);
      expect(drIncidents).toEqual(dcIncidents);
      // nothing twice, nothing half: each incident's version counts exactly the events of its transactions
      const perIncident = new Map<string, number>();
      for (const e of drEvents) perIncident.set(String(e.incident), (perIncident.get(String(e.incident)) ?? 0) + 1);
      for (const inc of drIncidents) expect(inc.version, String(inc._id)).toBe(perIncident.get(String(inc._id)));
      expect(drEvents.length).toBe(sb.ledger.acknowledged);
    } finally {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('a DC site-loss drill with the transactional workload loses no write older than the RPO target', async () => {
    const report = await runSandboxDrill({ scenario: 'dc-site-loss', fast: true, workloadOpsPerSec: 30, workloadTransactions: true });
    expect(report.errors).toEqual([]);
    expect(report.measured.acknowledgedWrites).toBeGreaterThan(0);
    expect(report.measured.rpoMet).toBe(true);
    expect(report.measured.rpoMissingBeyondTarget ?? 0).toBe(0);
  }, 300_000);
});

/**
 * Cross-site RPO, continuous mode against the 1-minute interval, in one run: the sandbox's DC and DR under
 * its own workload generator (half inserts into soar.events, half incident updates, w:"majority"), a real
 * sshd on loopback as DR's landing host, the production BackupService with the lease on DR.
 *
 * Phases, each after the previous mode has stopped (the chain carries on, no new baseline):
 *   continuous @ 200 ops/s · continuous @ HIGH · 1-minute interval @ HIGH · 1-minute interval @ 200
 *
 * RPO is measured outside the product, once a second: the newest write DC acknowledged (the workload's
 * ledger) minus the DC position DR's chain document says is applied (written in the same applyOps as the
 * data, so it is what DR holds; its second is DC's clock, read at 1 s resolution, rounding against us).
 * The first 15 s of a phase are warm-up and not counted. For continuous phases the product's own live RPO
 * (status.live) is printed beside it. At the end the workload stops, DR must equal DC, and every DC event
 * is counted among DR's insert entries (applyOps included): nothing may appear twice.
 *
 * Run as root: npx tsx bench/backup/continuous-rpo.ts [minutesAt200=3] [minutesHigh=2] [highOps=2000] [sliceSeconds=5]
 */
import { loadavg } from 'node:os';
import { ChainState } from '../../src/main/control/chain-state';
import type { BackupServiceOptions } from '../../src/main/backup/service';
import { percentile } from '../../src/main/backup/continuous/live-rpo';
import { insertCounts } from '../../test/integration/control/local-bed';
import { snapshot, startBed, waitFor } from '../../test/integration/backup/harness';

const [minutesLow, minutesHigh, highOps, sliceSeconds] = [3, 2, 2000, 5].map((d, i) => Number(process.argv[2 + i] ?? d));
const WARMUP_MS = 15_000;
// Two full runs died at the drain on an unhandled MongoNetworkError whose origin is not found yet: it is
// reported (and counted) instead of ending the run, so the end-of-run checks still happen.
let unhandled = 0;
process.on('unhandledRejection', (err) => {
  unhandled++;
  console.log(`unhandled rejection #${unhandled}: ${(err as Error).message}`);
});
const lease = { ttlMs: 15_000, workstation: 'bench', identity: 'bench' };
const bed = await startBed({ sandbox: { oplogSizeBytes: 768 * 1024 * 1024, periodicNoopIntervalMs: 10_000 }, service: { controlLease: lease } });
const chainDoc = () => new ChainState(bed.dr, bed.service.pipeline.controlId).read();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (x: number | null) => (x === null ? '   -' : x.toFixed(1).padStart(5));

interface PhaseResult {
  label: string;
  offered: number;
  achieved: number;
  ext: number[];
  own: number[];
  load: [number, number];
  slices: number;
}

async function phase(label: string, ops: number, minutes: number, opts: BackupServiceOptions): Promise<PhaseResult> {
  await bed.restartService({ controlLease: lease, ...opts });
  bed.sandbox.startWorkload(ops);
  const svc = bed.service;
  const capturedBefore = svc.store.currentChain()?.capturedSeq ?? 0;
  svc.start(true);
  const load0 = loadavg()[0];
  const started = Date.now();
  const ack0 = bed.sandbox.ledger.acknowledged;
  const ext: number[] = [];
  const own: number[] = [];
  let ackAtWarm = ack0;
  let warmAt = started;
  while (Date.now() - started < minutes * 60_000) {
    await sleep(1000);
    if (Date.now() - started < WARMUP_MS) {
      ackAtWarm = bed.sandbox.ledger.acknowledged;
      warmAt = Date.now();
      continue;
    }
    const lastAck = bed.sandbox.ledger.lastAckAt;
    const doc = await chainDoc().catch(() => null);
    if (lastAck && doc?.appliedTs) ext.push(Math.max(0, (Date.parse(lastAck) - doc.appliedTs.high * 1000) / 1000));
    const live = svc.status().live;
    if (live?.seconds !== null && live?.seconds !== undefined) own.push(live.seconds);
  }
  const achieved = (bed.sandbox.ledger.acknowledged - ackAtWarm) / ((Date.now() - warmAt) / 1000);
  await svc.stop();
  const slices = (svc.store.currentChain()?.capturedSeq ?? 0) - capturedBefore;
  const r: PhaseResult = { label, offered: ops, achieved, ext, own, load: [load0, loadavg()[0]], slices };
  // Printed as each phase ends, so a run cut short keeps what it measured.
  console.log(`phase done: ${row(r)}`);
  return r;
}

function row(r: PhaseResult): string {
  return `${r.label.padEnd(21)} ${String(r.offered).padStart(7)}  ${r.achieved.toFixed(0).padStart(8)}  ${String(r.slices).padStart(6)}  ${f(percentile(r.ext, 50))} / ${f(percentile(r.ext, 95))} / ${f(r.ext.length ? Math.max(...r.ext) : null)}        ${f(percentile(r.own, 50))} / ${f(percentile(r.own, 95))} / ${f(r.own.length ? Math.max(...r.own) : null)}       ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`;
}

const results: PhaseResult[] = [];
try {
  // The baseline is taken before the workload starts: a write during the copy is in both the copied data
  // and the oplog replayed after it (idempotent, as with mongodump --oplog), which the count below would
  // otherwise report as a second insert.
  await bed.dc.db('soar').collection('events').insertOne({ seed: true }, { writeConcern: { w: 'majority' } });
  const base = await bed.service.run('baseline', 'manual', true);
  if (base.state !== 'ok') throw new Error(`baseline failed: ${base.error?.message}`);
  console.log(`uptime load before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const continuous: BackupServiceOptions = { mode: 'continuous', continuous: { sliceSeconds } };
  const interval: BackupServiceOptions = { mode: 'interval', intervalMs: 60_000 };
  results.push(await phase(`continuous ${sliceSeconds} s`, 200, minutesLow, continuous));
  results.push(await phase(`continuous ${sliceSeconds} s`, highOps, minutesHigh, continuous));
  results.push(await phase('interval 1 min', highOps, minutesHigh, interval));
  results.push(await phase('interval 1 min', 200, minutesHigh, interval));
  await bed.sandbox.stopWorkload();

  // Drain: one more continuous run until DR has everything DC acknowledged.
  await bed.restartService({ controlLease: lease, mode: 'continuous', continuous: { sliceSeconds } });
  bed.service.start();
  const acked = bed.sandbox.ledger.ackedIds().filter((a) => a.id.startsWith('soar.events/')).map((a) => a.id.slice('soar.events/'.length));
  await waitFor(async () => {
    const ids = new Set((await bed.dr.db('soar').collection('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id.toHexString()));
    return acked.every((id) => ids.has(id));
  }, 300_000, 'DR holding every acknowledged event');
  await sleep(3000);
  await bed.service.stop();
  const [dcSnap, drSnap] = [await snapshot(bed.dc), await snapshot(bed.dr)];
  // DR Desk's own control state is site-local (the lease and chain document live on DR only).
  const user = (m: Map<string, string[]>) => [...m.keys()].filter((k) => !k.startsWith('drdesk.')).sort();
  const equal = JSON.stringify(user(dcSnap)) === JSON.stringify(user(drSnap)) && user(dcSnap).every((k) => JSON.stringify(dcSnap.get(k)) === JSON.stringify(drSnap.get(k)));
  const counts = await insertCounts(bed.dr, 'soar.events');
  const twiceIds = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const twice = twiceIds.length;
  if (twice) console.log(`inserted twice: ${twiceIds.slice(0, 5).join(', ')}`);
  const counted = acked.filter((id) => counts.has(id)).length;

  console.log(`\nphase                 offered  achieved  slices  RPO outside p50 / p95 / max (s)  product live p50 / p95 / max (s)  load 1-min start→end`);
  for (const r of results) console.log(row(r));
  console.log(`\nDR equals DC at the end: ${equal ? 'yes' : 'NO'} (${user(dcSnap).length} collections)`);
  console.log(`acknowledged events ${acked.length}; found among DR's insert entries ${counted}; inserted more than once: ${twice}`);
  console.log(`unhandled rejections during the run: ${unhandled}`);
  console.log(`uptime load after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await bed.close();
}

/**
 * Cross-site RPO under a 200 ops/s workload on the sandbox, real clock (no compression): the sandbox's DC
 * and DR, a real sshd on loopback as the DR landing host, the production BackupService.
 *  1. Cycles started every 5, 10 and 20 s (driven by this script: the product's minimum interval is 1 min)
 *     to find the shortest interval the pipeline sustains, i.e. where a cycle ends before the next is due.
 *  2. The real scheduler at the product's minimum interval, 1 minute, for `minutes` minutes.
 * RPO is sampled every 500 ms from the service's status (now − the DC time DR is complete up to).
 * Run as root: npx tsx bench/backup/rpo-interval.ts [minutes=4]
 */
import { cpus, loadavg } from 'node:os';
import { startBed } from '../../test/integration/backup/harness';

const minutes = Number(process.argv[2] ?? 4);
const OPS = 200;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const bed = await startBed();

function sampler() {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const s = bed.service.status().rpo.seconds;
    if (s !== null) samples.push(s);
  }, 500);
  return { samples, stop: () => clearInterval(timer) };
}

try {
  bed.sandbox.startWorkload(OPS);
  await new Promise((r) => setTimeout(r, 2000));
  const base = await bed.service.run('baseline', 'manual', true);
  if (base.state !== 'ok') throw new Error(`baseline failed: ${base.error?.message}`);
  console.log(`Workload ${OPS} ops/s on DC; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
  console.log('interval  cycles  failed  cycle p50/max (s)  RPO p50 / p95 / max (s)');

  for (const seconds of [5, 10, 20]) {
    const rpo = sampler();
    const durations: number[] = [];
    let failed = 0;
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const started = Date.now();
      const c = await bed.service.run('cycle', 'schedule', true);
      durations.push((Date.now() - started) / 1000);
      if (c.state !== 'ok') failed++;
      await new Promise((r) => setTimeout(r, Math.max(0, started + seconds * 1000 - Date.now())));
    }
    rpo.stop();
    console.log(
      `${`${seconds} s`.padEnd(9)} ${String(durations.length).padEnd(7)} ${String(failed).padEnd(7)} ${`${pct(durations, 50).toFixed(2)} / ${Math.max(...durations).toFixed(2)}`.padEnd(18)} ${pct(rpo.samples, 50).toFixed(1)} / ${pct(rpo.samples, 95).toFixed(1)} / ${Math.max(...rpo.samples).toFixed(1)}`,
    );
  }

  bed.service.setSchedule({ intervalMinutes: 1, enabled: true });
  const rpo = sampler();
  const firstId = bed.service.store.recentCycles(1)[0]?.id ?? 0;
  bed.service.start(true);
  await new Promise((r) => setTimeout(r, minutes * 60_000 + 5_000));
  await bed.service.stop();
  rpo.stop();
  const cycles = bed.service.store.recentCycles(100).filter((c) => c.id > firstId);
  const durations = cycles.map((c) => (Date.parse(c.finishedAt ?? c.startedAt) - Date.parse(c.startedAt)) / 1000);
  console.log(
    `${'1 min'.padEnd(9)} ${String(cycles.length).padEnd(7)} ${String(cycles.filter((c) => c.state !== 'ok').length).padEnd(7)} ${`${pct(durations, 50).toFixed(2)} / ${Math.max(...durations).toFixed(2)}`.padEnd(18)} ${pct(rpo.samples, 50).toFixed(1)} / ${pct(rpo.samples, 95).toFixed(1)} / ${Math.max(...rpo.samples).toFixed(1)}  (real scheduler, ${minutes} min)`,
  );
  const target = bed.topology.targets.rpoSeconds;
  console.log(`\n1-minute interval holds RPO <= ${target} s: ${Math.max(...rpo.samples) <= target ? 'yes' : 'NO'} (max ${Math.max(...rpo.samples).toFixed(1)} s)`);
  await bed.sandbox.stopWorkload();
} finally {
  await bed.close();
}

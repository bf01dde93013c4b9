import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/main/store/database';
import { HistoryStore, type Sample } from '../../src/main/monitor/history';

/**
 * History benchmark: insert rate (one transaction per poll of 6 members × 2 metrics, and bulk), then query +
 * LTTB of 24 h at 1 s for 6 members (518,400 rows) to ~1,000 points per series. Prints the median of runs.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-bench-history-'));
const db = openDatabase(join(dir, 'desk.sqlite'));
const history = new HistoryStore(db);
const members = ['DC/dc-1', 'DC/dc-2', 'DC/dc-3', 'DR/dr-1', 'DR/dr-2', 'DR/dr-3'];
const now = Date.now();
const start = now - 86_400_000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Per-poll transactions, as the monitor writes them.
const polls = 2000;
let t0 = performance.now();
for (let i = 0; i < polls; i++) {
  const ts = start - (polls - i) * 1000;
  history.insertMany(members.flatMap((key, k) => [{ metric: 'lag' as const, key, ts, value: (k + Math.sin(i / 50)) * 2 }, { metric: 'oplogWindow' as const, key, ts, value: 48 }]));
}
const perPoll = performance.now() - t0;
console.log(`insert, one transaction per poll (12 rows): ${((polls * 12) / (perPoll / 1000)).toFixed(0)} rows/s, ${(perPoll / polls).toFixed(3)} ms per poll`);

// 24 h at 1 s for 6 members, lag only: 518,400 rows.
t0 = performance.now();
const batch: Sample[] = [];
for (let s = 0; s < 86_400; s++) {
  const ts = start + s * 1000;
  for (let k = 0; k < members.length; k++) batch.push({ metric: 'lag', key: members[k], ts, value: Math.abs(Math.sin(s / 600 + k)) * 20 + (s % 997 === 0 ? 80 : 0) });
  if (batch.length >= 60_000) history.insertMany(batch.splice(0));
}
history.insertMany(batch.splice(0));
const bulk = performance.now() - t0;
console.log(`insert, bulk: 518,400 rows in ${bulk.toFixed(0)} ms = ${(518_400 / (bulk / 1000)).toFixed(0)} rows/s`);

const runs: number[] = [];
const cpuRuns: number[] = [];
let points = 0;
for (let r = 0; r < 7; r++) {
  t0 = performance.now();
  const c0 = process.cpuUsage();
  const series = history.query({ metric: 'lag', range: '24h', maxPoints: 1000 }, now);
  runs.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuRuns.push((c.user + c.system) / 1000);
  points = series.reduce((n, s) => n + s.points.length, 0) / series.length;
}
console.log(`query + LTTB 24 h × 6 members (518,400 rows) → ${points} points per series: median ${median(runs).toFixed(1)} ms (runs: ${runs.map((x) => x.toFixed(0)).join(', ')}); CPU time median ${median(cpuRuns).toFixed(1)} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
db.close();
rmSync(dir, { recursive: true, force: true });

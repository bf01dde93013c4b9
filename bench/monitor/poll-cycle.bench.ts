import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { validateTopology } from '../../src/main/config/topology-file';
import { Monitor } from '../../src/main/monitor/monitor';
import { openDatabase } from '../../src/main/store/database';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';

/**
 * Monitor benchmark: 100 replica sets × 3 members (50 sandboxes in their own process), polled every 5 s by
 * the engine in this process with history in SQLite. Prints poll-cycle p50/p95, this process's CPU share
 * (of one core) and RSS. Usage: npx tsx bench/monitor/poll-cycle.bench.ts [cycles=24] [sandboxes=50]
 */
const cycles = Number(process.argv[2] ?? 24);
const sandboxes = Number(process.argv[3] ?? 50);
const intervalMs = 5000;

const child = spawn(process.execPath, ['--import', 'tsx', resolve('bench/monitor/sandbox-fleet.ts'), String(sandboxes)], { stdio: ['ignore', 'pipe', 'inherit'] });
const firstLine = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
const topology = validateTopology(JSON.parse(firstLine), 'the sandbox fleet');
const members = topology.sites.reduce((n, s) => n + s.replicaSets.reduce((k, rs) => k + rs.members.length, 0), 0);
const sets = topology.sites.reduce((n, s) => n + s.replicaSets.length, 0);
console.log(`fleet: ${sandboxes} sandboxes in pid ${child.pid}: ${sets} replica sets, ${members} members; polling every ${intervalMs / 1000} s for ${cycles} cycles`);

const dir = mkdtempSync(join(tmpdir(), 'drdesk-bench-poll-'));
const db = openDatabase(join(dir, 'desk.sqlite'));
const monitor = new Monitor({ topology, secrets: new MemorySecretStore(), database: db });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const t0 = performance.now();
let o = await monitor.pollOnce();
console.log(`first cycle (connects ${members} members): ${(performance.now() - t0).toFixed(0)} ms, status ${o.status.level}`);
await sleep(intervalMs);

/** CPU seconds the sandbox process used so far (Linux /proc), to tell the engine's share from the server's. */
const childCpu = (): number => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const child0 = childCpu();
const times: number[] = [];
let rss = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let i = 0; i < cycles; i++) {
  const start = performance.now();
  o = await monitor.pollOnce();
  times.push(performance.now() - start);
  rss = Math.max(rss, process.memoryUsage().rss);
  await sleep(Math.max(0, start + intervalMs - performance.now()));
}
const wall = performance.now() - wall0;
const errors = new Map<string, number>();
for (const m of o.sites.flatMap((s) => s.replicaSets.flatMap((r) => r.members))) if (m.lastError) errors.set(m.lastError.replace(/127\.0\.0\.1:\d+/g, 'HOST').slice(0, 120), (errors.get(m.lastError.replace(/127\.0\.0\.1:\d+/g, 'HOST').slice(0, 120)) ?? 0) + 1);
for (const [e, n] of errors) console.log(`  ${n} × ${e}`);
const codes = new Map<string, number>();
for (const r of o.status.reasons) codes.set(`${r.level} ${r.code}`, (codes.get(`${r.level} ${r.code}`) ?? 0) + 1);
console.log(`final status ${o.status.level}: ${[...codes].map(([c, n]) => `${n} × ${c}`).join(', ') || 'no reasons'}`);
const cpu = process.cpuUsage(cpu0);
const reachable = o.sites.flatMap((s) => s.replicaSets.flatMap((r) => r.members)).filter((m) => m.reachable).length;
console.log(`poll cycle: p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${times.length} cycles; ${reachable}/${members} members reachable at the end)`);
console.log(`sandbox fleet CPU: ${(((childCpu() - child0) * 1000 / wall) * 100).toFixed(1)}% of one core`);
console.log(`machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (other work shares them)`);
console.log(`engine CPU: ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1)}% of one core; RSS max ${(rss / 1024 / 1024).toFixed(0)} MB`);

await monitor.stop();
db.close();
rmSync(dir, { recursive: true, force: true });
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));

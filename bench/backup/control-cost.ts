/**
 * Cost of the control state: cycle time with and without the pipeline lease (acquire, fence, chain
 * document reads and term-checked position writes on DR, release), as a ratio, over the sandbox with a
 * local landing and a light workload. Extra round trips per cycle are counted by the driver's command
 * monitoring on a MongoClient-level hook (every command the services send to DR's drdesk database).
 * Run: npx tsx bench/backup/control-cost.ts [cycles] [interval-ms]   (interval between cycles, default 500 ms;
 * 60000 for the 1-minute interval the figures in docs/control-state.md use)
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { BackupService } from '../../src/main/backup/service';
import { startSandbox } from '../../src/main/sandbox';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { topologySchema } from '../../src/shared/topology';

const CYCLES = Number(process.argv[2] ?? 8);
const INTERVAL_MS = Number(process.argv[3] ?? 500);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sandbox = await startSandbox({ fast: true });
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-control-'));
const topology = topologySchema.parse({ ...sandbox.topology, backup: { intervalMinutes: 1, keep: 5, from: 'DC', to: 'DR' }, targets: { rpoSeconds: 90, rtoSeconds: 60 } });

// Count control commands: every connect of the services goes through MongoClient.connect.
let controlCommands = 0;
const origConnect = MongoClient.prototype.connect;
MongoClient.prototype.connect = function (this: MongoClient) {
  this.on('commandStarted', (e) => {
    const coll = (e.command as Record<string, unknown>)[e.commandName];
    if (e.databaseName === 'drdesk' || e.commandName === 'hello' && coll === 1 && !e.command.$readPreference) controlCommands++;
  });
  (this.options as unknown as { monitorCommands: boolean }).monitorCommands = true;
  return origConnect.call(this);
} as typeof origConnect;

async function measure(lease: boolean): Promise<{ ms: number; perCycle: number }> {
  const dir = mkdtempSync(join(work, lease ? 'lease-' : 'plain-'));
  const db = new Database(join(dir, 'desk.sqlite'));
  const svc = new BackupService({ topology, secrets: new MemorySecretStore(), db, dataDir: dir, options: { localLanding: join(dir, 'landing'), timeoutMs: 10_000, ...(lease ? { controlLease: { workstation: 'bench', identity: 'bench' } } : {}) } });
  const base = await svc.run('baseline', 'manual', true);
  if (base.state !== 'ok') throw new Error(`baseline failed: ${base.error?.message}`);
  const times: number[] = [];
  controlCommands = 0;
  for (let i = 0; i < CYCLES; i++) {
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
    const t = performance.now();
    const c = await svc.run('cycle', 'manual', true);
    times.push(performance.now() - t);
    if (c.state !== 'ok') throw new Error(`cycle failed: ${c.error?.message}`);
  }
  const perCycle = controlCommands / CYCLES;
  await svc.stop();
  db.close();
  return { ms: median(times), perCycle };
}

try {
  sandbox.startWorkload(50);
  const plain = await measure(false);
  const leased = await measure(true);
  await sandbox.stopWorkload();
  console.log(`cycles per variant: ${CYCLES}, ${INTERVAL_MS} ms apart (workload 50 ops/s, local landing)`);
  console.log(`without lease: median cycle ${plain.ms.toFixed(0)} ms`);
  console.log(`with lease+chain document: median cycle ${leased.ms.toFixed(0)} ms, control round trips per cycle ${(leased.perCycle - plain.perCycle).toFixed(1)} extra`);
  console.log(`ratio with/without: ${(leased.ms / plain.ms).toFixed(2)}`);
  console.log(`loadavg: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

/**
 * Local switchover time on the sandbox with the manual's election timing: the approved switchover plan
 * (replSetStepDown 60 s with a 10 s catch-up, wait for the new primary, majority write probe) under a
 * 50 ops/s workload, each run on a fresh sandbox. Median of N runs (default 5).
 * Run: npx tsx bench/runbooks/switchover-time.ts [runs]
 */
import Database from 'better-sqlite3';
import { cpus, loadavg } from 'node:os';
import { topologySchema } from '../../src/shared/topology';
import { HostKeyPins } from '../../src/main/connectors/ssh-host-keys';
import { Executor } from '../../src/main/runbooks/executor';
import { createHandlers } from '../../src/main/runbooks/steps/index';
import { createMongoAccess, hello } from '../../src/main/runbooks/steps/mongo-access';
import { planDigest } from '../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../src/main/runbooks/plans/index';
import { startSandbox } from '../../src/main/sandbox/index';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';

const runs = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const total: number[] = [];
const election: number[] = [];
for (let i = 0; i < runs; i++) {
  const sandbox = await startSandbox({ fast: false, workloadOpsPerSec: 50 });
  const topology = topologySchema.parse(sandbox.topology);
  const mongo = createMongoAccess(topology, new MemorySecretStore());
  const db = new Database(':memory:');
  const executor = new Executor({ db, handlers: createHandlers({ topology, secrets: new MemorySecretStore(), pins: new HostKeyPins(db), mongo, backup: null, sandboxFault: null }), audit: { append: () => undefined } });
  try {
    const dc1 = topology.sites[0].replicaSets[0].members[0];
    while (!(await hello(mongo, `${dc1.host}:${dc1.port}`, 2000)).writablePrimary) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    const plan = buildPlan('switchover', topology, {}, { currentPrimary: 'dc-1' });
    const t0 = Date.now();
    const v = await executor.settled(executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'bench' }).id);
    const ms = Date.now() - t0;
    if (v.status !== 'succeeded') throw new Error(`run ${i + 1}: ${v.status} ${v.error?.message}`);
    const down = v.steps.find((s) => s.id === 'step-down')!;
    const up = v.steps.find((s) => s.id === 'new-primary')!;
    const elect = Date.parse(up.finishedAt!) - Date.parse(down.startedAt!);
    total.push(ms);
    election.push(elect);
    console.log(`run ${i + 1}: switchover ${(ms / 1000).toFixed(2)} s (stepDown → new writable primary ${(elect / 1000).toFixed(2)} s); ${v.steps.map((s) => `${s.id} ${s.durationMs} ms`).join(', ')}`);
  } finally {
    executor.close();
    await mongo.close();
    db.close();
    await sandbox.stop();
  }
}
console.log(`\nLocal switchover on the sandbox (default election timing), ${runs} runs, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
console.log(`  whole runbook median ${(median(total) / 1000).toFixed(2)} s (target ≤ 12 s); stepDown → new primary median ${(median(election) / 1000).toFixed(2)} s`);

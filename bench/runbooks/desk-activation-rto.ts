/**
 * DR activation RTO through the Desk as the app runs it (createDesk on the built-in sandbox, the manual's
 * election timing): the Desk's own backup service takes a baseline and a slice under a 50 ops/s workload
 * into its local landing, every DC member is killed, then preview → request → IT + business approvals →
 * startExecution through DeskApi; the apply step delivers through the same service (gate + lock). RTO runs
 * from the kill to the traffic switched to DR; "execution" from startExecution to the same point.
 * Median of N runs (default 3): npx tsx bench/runbooks/desk-activation-rto.ts [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPROVALS } from '../../src/main/approvals/feature';
import { createDesk } from '../../src/main/desk';
import { enrollTestApprovers } from '../../src/main/drills/local-approvers';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';

const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: Array<{ rto: number; execution: number; apply: number }> = [];

for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-bench-desk-'));
  const desk = await createDesk({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore(), sandbox: { fast: false, workloadOpsPerSec: 50 }, autoStart: false });
  try {
    const api = desk.api();
    await api.createIdentity({ name: 'Bench Operator' });
    await api.initRoster();
    const approvers = await enrollTestApprovers(desk.services.get(APPROVALS), dir);
    for (const rec of [await api.startBaseline({ wait: true }), await api.runBackupNow({ wait: true })]) if (rec.error) throw new Error(`${rec.error.code}: ${rec.error.message}`);
    const killedAt = Date.now();
    await desk.context.sandbox!.fault({ action: 'kill', target: 'DC' });
    const { plan } = await api.previewPlan({ runbook: 'dr-activation' });
    const req = await api.createRequest({ action: 'dr-activation', target: plan.title, reason: 'Benchmark: DC site lost, activate DR.', plan });
    await approvers.cosign(req.id);
    const startedAt = Date.now();
    let e = await api.startExecution({ requestId: req.id });
    while (['running', 'awaiting-confirmation'].includes(e.status)) {
      await new Promise((r) => setTimeout(r, 100));
      e = await api.getExecution({ id: e.id });
    }
    approvers.close();
    const switched = e.steps.find((s) => s.id === 'switch-traffic');
    if (e.status !== 'succeeded' || !switched?.finishedAt) throw new Error(`run ${i + 1}: ${e.status} ${e.error?.message ?? ''}`);
    const done = Date.parse(switched.finishedAt);
    const apply = e.steps.find((s) => s.id === 'apply-slice')?.durationMs ?? NaN;
    rows.push({ rto: (done - killedAt) / 1000, execution: (done - startedAt) / 1000, apply });
    const slow = e.steps.filter((s) => (s.durationMs ?? 0) >= 500).map((s) => `${s.n}:${((s.durationMs ?? 0) / 1000).toFixed(1)}s`).join(' ');
    console.log(`run ${i + 1}: RTO ${rows.at(-1)!.rto.toFixed(1)} s (execution ${rows.at(-1)!.execution.toFixed(1)} s, apply step ${apply} ms); steps ≥ 0.5 s: ${slow}`);
  } finally {
    await desk.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`\nDR activation through the Desk on the sandbox (default election timing), ${runs} runs, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
console.log(`  RTO median ${median(rows.map((r) => r.rto)).toFixed(1)} s (target ≤ 60 s), of which the approved execution ${median(rows.map((r) => r.execution)).toFixed(1)} s`);
console.log(`  apply step (deliver-only through the Desk's backup service) median ${median(rows.map((r) => r.apply))} ms`);

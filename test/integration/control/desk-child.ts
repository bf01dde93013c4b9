/**
 * One workstation as its own process for the fault tests: the backup service of a data directory with the
 * lease and the schedule on, exactly what `drdesk agent` runs (BackupService.start), on the sandbox's local
 * landing. One JSON line per finished cycle on stdout; SIGTERM stops it cleanly. The parent kills, stops
 * and resumes it by pid.
 */
import { openDesk, bedTopology } from './local-bed';

const cfg = JSON.parse(process.env.DRDESK_CHILD ?? '{}') as { topology: unknown; landing: string; dataDir: string; workstation: string; ttlMs: number; intervalMs: number; batchEntries?: number };
const desk = openDesk(cfg.dataDir, bedTopology(cfg.topology), cfg.landing, {
  controlLease: { ttlMs: cfg.ttlMs, workstation: cfg.workstation, identity: cfg.workstation },
  intervalMs: cfg.intervalMs,
  applyBatchEntries: cfg.batchEntries,
});
const svc = desk.service;
const seen = new Set<number>();
const report = setInterval(() => {
  for (const c of svc.store.recentCycles(20).reverse()) {
    if (c.state === 'running' || seen.has(c.id)) continue;
    seen.add(c.id);
    process.stdout.write(`${JSON.stringify({ ws: cfg.workstation, id: c.id, kind: c.kind, state: c.state, startedAt: c.startedAt, finishedAt: c.finishedAt, applied: c.applied, captured: c.captured, error: c.error?.code ?? null })}\n`);
  }
}, 100);
svc.start(true);
process.stdout.write(`${JSON.stringify({ ws: cfg.workstation, event: 'started', pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  clearInterval(report);
  void desk.close().then(() => process.exit(0));
});

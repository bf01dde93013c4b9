/**
 * A continuous-mode desk as its own process, so a test can SIGKILL it in the middle of a slice: the backup
 * service of a data directory with the lease on and mode "continuous" (what `drdesk agent --continuous`
 * runs), on the sandbox's local landing. One JSON line a second with the live RPO and the runner's
 * counters on stdout; SIGTERM stops it cleanly.
 */
import { bedTopology, openDesk } from '../control/local-bed';

const cfg = JSON.parse(process.env.DRDESK_CHILD ?? '{}') as { topology: unknown; landing: string; dataDir: string; workstation: string; ttlMs: number; sliceSeconds: number };
const desk = openDesk(cfg.dataDir, bedTopology(cfg.topology), cfg.landing, {
  controlLease: { ttlMs: cfg.ttlMs, workstation: cfg.workstation, identity: cfg.workstation },
  mode: 'continuous',
  continuous: { sliceSeconds: cfg.sliceSeconds, awaitMs: 300, retryMs: 300, retentionEveryMs: 2_000 },
});
const svc = desk.service;
svc.start();
process.stdout.write(`${JSON.stringify({ event: 'started', pid: process.pid })}\n`);
const report = setInterval(() => {
  const s = svc.status();
  process.stdout.write(`${JSON.stringify({ event: 'status', live: s.live ?? null, appliedSeq: s.chain?.appliedSeq ?? null, chainState: s.chain?.state ?? null })}\n`);
}, 1000);
process.once('SIGTERM', () => {
  clearInterval(report);
  void desk.close().then(() => process.exit(0));
});

/**
 * The engine side of bench/backup/baseline-parts.ts, as its own process so the bench can SIGKILL it in the
 * middle of a baseline and read its RSS without the sandbox's memory in it: one BackupService on the given
 * data directory and topology (DR's landing over SSH, through the bench's throttled link when it set one),
 * running one baseline. Prints JSON lines: progress (at most every 500 ms) and the finished cycle record.
 */
import { join } from 'node:path';
import { BackupService } from '../../src/main/backup/service';
import { HostKeyPins } from '../../src/main/connectors/ssh-host-keys';
import { openDatabase } from '../../src/main/store/database';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { topologySchema } from '../../src/shared/topology';

const cfg = JSON.parse(process.env.DRDESK_BENCH_CHILD ?? '{}') as {
  topology: unknown;
  dataDir: string;
  secret: { name: string; value: string };
  pin: { hostPort: string; fingerprint: string };
  baseline: { partBytes?: number; partDocuments?: number; copyConcurrency?: number; restoreConcurrency?: number };
};
const secrets = new MemorySecretStore();
await secrets.set(cfg.secret.name, cfg.secret.value, 'password');
const database = openDatabase(join(cfg.dataDir, 'desk.sqlite'));
new HostKeyPins(database.db).pin(cfg.pin.hostPort, cfg.pin.fingerprint);
let last = 0;
const service = new BackupService({
  topology: topologySchema.parse(cfg.topology),
  secrets,
  db: database.db,
  dataDir: cfg.dataDir,
  options: { timeoutMs: 20_000, baselineDeadlineMs: 2 * 3600_000, baseline: cfg.baseline },
  onProgress: (p) => {
    if (Date.now() - last < 500) return;
    last = Date.now();
    process.stdout.write(`${JSON.stringify({ event: 'progress', phase: p.phase, message: p.message, collections: p.collections, bytes: p.bytes, rss: process.memoryUsage().rss })}\n`);
  },
});
const rec = await service.run('baseline', 'manual', true);
process.stdout.write(`${JSON.stringify({ event: 'done', record: rec, rss: process.memoryUsage().rss })}\n`);
await service.stop();
database.close();
process.exit(rec.error ? 1 : 0);

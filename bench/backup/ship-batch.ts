/**
 * Small slices one by one against one batch: 32 slices of 8 KiB shipped to a real sshd through the in-process
 * link throttle (bandwidth cap + one-way latency), first each with Landing.ship (upload, remote sha256,
 * manifest: a dozen round trips a slice), then all with Landing.shipMany (uploads overlapped, one sha256sum,
 * manifests together). Medians of the rounds, in the same run.
 * Run (as root, for sshd): npx tsx bench/backup/ship-batch.ts [--slices 32] [--kib 8] [--latency-ms 25] [--rounds 3]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { SliceRow } from '../../src/main/backup/backup-store';
import { archiveName } from '../../src/main/backup/capture';
import { SshLanding } from '../../src/main/backup/landing';
import { MANIFEST_FORMAT, type Manifest } from '../../src/main/backup/manifest';
import { startThrottledLink } from '../../src/main/connectors/link-throttle';
import { HostKeyPins } from '../../src/main/connectors/ssh-host-keys';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { sshHostSchema } from '../../src/shared/topology';
import { startSshd } from '../../test/helpers/sshd';

const { values } = parseArgs({ options: { slices: { type: 'string', default: '32' }, kib: { type: 'string', default: '8' }, 'latency-ms': { type: 'string', default: '25' }, rounds: { type: 'string', default: '3' } } });
const N = Number(values.slices);
const latencyMs = Number(values['latency-ms']);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const outbox = mkdtempSync(join(tmpdir(), 'drdesk-bench-batch-'));
const chainId = '20261204T000000Z-bench0';

const slices: SliceRow[] = Array.from({ length: N }, (_, i) => {
  const seq = i + 1;
  const data = randomBytes(Number(values.kib) * 1024);
  writeFileSync(join(outbox, archiveName(chainId, seq)), data);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    kind: 'increment',
    chainId,
    seq,
    fromTs: `1800000000:${seq}`,
    toTs: `1800000000:${seq + 1}`,
    count: 10,
    bytes: data.length,
    rawBytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    prevManifestSha256: null,
    dcVersion: '7.0.0',
    replicaSet: 'rs-dc',
    createdAt: new Date().toISOString(),
    headCheckedAt: new Date().toISOString(),
    lastWall: null,
    archive: archiveName(chainId, seq),
  };
  return { chainId, seq, manifest, manifestSha: '', state: 'captured', problem: null, shippedAt: null, verifiedAt: null, appliedAt: null, shipAttempts: 0, applyCount: 0, safety: null, applyTs: null, localDeleted: false, remoteDeleted: false };
});

const sshd = await startSshd();
const link = await startThrottledLink({ host: sshd.host, port: sshd.port }, { up: { bytesPerSecond: 20 * 1048576, latencyMs }, down: { bytesPerSecond: 20 * 1048576, latencyMs } });
const secrets = new MemorySecretStore();
await secrets.set('dr-landing', sshd.password, 'password');
const db = new Database(':memory:');
const pins = new HostKeyPins(db);
pins.pin(`127.0.0.1:${link.port}`, sshd.hostKeyFingerprint());
const landing = new SshLanding(
  sshHostSchema.parse({ name: 'dr-landing', host: '127.0.0.1', port: link.port, username: sshd.user, passwordSecret: 'dr-landing', backupDir: sshd.landingDir }),
  { secrets, pins, timeoutMs: 20_000, retry: { attempts: 1, baseMs: 100, maxMs: 100 } },
);
const clear = () => {
  for (const f of readdirSync(sshd.landingDir)) rmSync(join(sshd.landingDir, f), { force: true });
};

try {
  await landing.session();
  console.log(`${N} slices of ${values.kib} KiB to sshd through a 20 MiB/s link, ${latencyMs} ms one way (RTT ${2 * latencyMs} ms); load ${loadavg()[0].toFixed(2)}`);
  const one: number[] = [];
  const batch: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    clear();
    let t0 = performance.now();
    for (const s of slices) await landing.ship(s, outbox, () => undefined);
    one.push(performance.now() - t0);
    clear();
    t0 = performance.now();
    const results = await landing.shipMany(slices, outbox, () => undefined);
    batch.push(performance.now() - t0);
    if (!results.every((x) => x.ok)) throw new Error(`a batched slice failed: ${JSON.stringify(results.find((x) => !x.ok))}`);
    if (readdirSync(sshd.landingDir).length !== 2 * N) throw new Error('the landing does not hold every archive and manifest');
  }
  const a = median(one);
  const b = median(batch);
  console.log(`  one by one: ${a.toFixed(0)} ms (${(a / N).toFixed(1)} ms a slice, ${(a / N / (2 * latencyMs)).toFixed(1)} round trips)`);
  console.log(`  one batch:  ${b.toFixed(0)} ms (${(b / N).toFixed(1)} ms a slice) — ${(a / b).toFixed(1)}× faster; load ${loadavg()[0].toFixed(2)}`);
} finally {
  landing.close();
  await link.close();
  await sshd.stop();
  rmSync(outbox, { recursive: true, force: true });
  db.close();
}

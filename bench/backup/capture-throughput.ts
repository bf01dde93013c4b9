/**
 * Capture + compress throughput for 100,000 oplog entries: (a) end to end from the sandbox's DC oplog
 * through the official driver into a gzip slice archive with its sha256 (what a cycle does), and (b) the
 * archive writer alone on the same entries in memory (compression + hashing only). Median of 3 runs.
 * Run: npx tsx bench/backup/capture-throughput.ts [entries]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { ArchiveWriter } from '../../src/main/backup/archive';
import { BackupStore } from '../../src/main/backup/backup-store';
import { captureIncrement } from '../../src/main/backup/capture';
import { ProgressTracker } from '../../src/main/backup/progress';
import { MANIFEST_FORMAT, manifestSha256, type Manifest } from '../../src/main/backup/manifest';
import { tsToText } from '../../src/main/connectors/oplog-ts';
import { startSandbox } from '../../src/main/sandbox';

const N = Number(process.argv[2] ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-capture-'));
const sandbox = await startSandbox({ fast: true, oplogSizeBytes: 1024 * 1024 * 1024 });
const dcSite = sandbox.description.sites.find((s) => s.name === 'DC')!;
const dc = new MongoClient(`mongodb://${dcSite.members.map((m) => m.host).join(',')}/?replicaSet=${dcSite.replicaSet}`);

try {
  await dc.connect();
  const start = await dc.db('admin').command({ hello: 1 });
  const from = start.lastWrite.opTime.ts;
  const events = dc.db('soar').collection('events');
  const t0 = Date.now();
  for (let i = 0; i < N; i += 1000)
    await events.insertMany(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ _id: new ObjectId(), seq: i + j, type: 'alert', severity: ['low', 'medium', 'high'][j % 3], source: 'bench', at: new Date(), msg: `event ${i + j} from sensor ${j % 97}` })),
    );
  console.log(`Wrote ${N} documents to DC in ${((Date.now() - t0) / 1000).toFixed(1)} s (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);

  // A chain whose last slice ends where the inserts began, so the capture reads exactly those N entries.
  const root: Manifest = {
    format: MANIFEST_FORMAT, kind: 'baseline', chainId: 'bench-chain', seq: 0, fromTs: tsToText(from), toTs: tsToText(from), count: 0, bytes: 0, rawBytes: 0,
    sha256: '0'.repeat(64), prevManifestSha256: null, dcVersion: '7.0.0', replicaSet: dcSite.replicaSet, createdAt: new Date().toISOString(),
    headCheckedAt: new Date().toISOString(), lastWall: null, archive: 'bench-chain-000000.bson.gz',
  };
  const freshStore = () => {
    const store = new BackupStore(new Database(':memory:'));
    store.createChain('bench-chain', dcSite.replicaSet);
    store.addSlice(root, manifestSha256(root));
    return store;
  };
  const progress = new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined);

  const endToEnd: number[] = [];
  let last: Manifest | null = null;
  for (let run = 0; run < 3; run++) {
    const store = freshStore();
    const chain = store.chain('bench-chain')!;
    const prev = store.slice('bench-chain', 0)!;
    const outbox = join(work, `outbox-${run}`);
    const t = process.hrtime.bigint();
    const out = await captureIncrement(dc, chain, prev, '7.0.0', { store, outbox, progress });
    endToEnd.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (out.kind !== 'slice') throw new Error(`capture returned ${out.kind}`);
    last = out.manifest;
  }
  const m = last!;
  const s = median(endToEnd);
  console.log(`\nEnd to end (driver read + gzip + sha256), median of 3: ${s.toFixed(2)} s for ${m.count} entries`);
  console.log(`  ${(m.count / s).toFixed(0)} entries/s, ${(m.rawBytes / 1024 / 1024 / s).toFixed(1)} MB/s of BSON in, ${(m.bytes / 1024 / 1024).toFixed(1)} MB archive (${((m.bytes / m.rawBytes) * 100).toFixed(0)}% of ${(m.rawBytes / 1024 / 1024).toFixed(1)} MB)`);

  // The same entries, already in memory: what the archive writer alone sustains.
  const raw: Uint8Array[] = await dc.db('local').collection('oplog.rs').find({ ts: { $gt: from } }, { raw: true, batchSize: 10_000 }).toArray() as unknown as Uint8Array[];
  const writerOnly: number[] = [];
  for (let run = 0; run < 3; run++) {
    const w = new ArchiveWriter(join(work, `mem-${run}.bson.gz`));
    const t = process.hrtime.bigint();
    for (const d of raw) await w.write(d);
    await w.finish();
    writerOnly.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const ws = median(writerOnly);
  console.log(`Archive writer alone (gzip level 4 + sha256), median of 3: ${ws.toFixed(2)} s — ${(raw.length / ws).toFixed(0)} entries/s, ${(m.rawBytes / 1024 / 1024 / ws).toFixed(1)} MB/s`);
} finally {
  await dc.close(true);
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

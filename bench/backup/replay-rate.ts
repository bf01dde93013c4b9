/**
 * Replay rate through apply (archive → OplogReplayer → DR's applyOps, w:"majority"), against the sandbox's
 * own insert rate (insertMany through the driver, w:"majority") measured in the same run, as a ratio:
 * (a) the fixture corpus (test/fixtures/oplog/), repeated into fresh databases; (b) a 100,000-entry mixed
 * slice (60 % inserts, 30 % $v:2 updates, 10 % deletes, ui on every entry); (c) the same mixed slice with the
 * lease term's data fence as the first entry of every batch (control/data-fence.ts), against (b): the fence's cost.
 * Run: npx tsx bench/backup/replay-rate.ts [entries]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON, Long, serialize, Timestamp, UUID, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { applyIncrementArchive } from '../../src/main/backup/apply';
import { ArchiveWriter } from '../../src/main/backup/archive';
import type { Manifest } from '../../src/main/backup/manifest';
import { ProgressTracker } from '../../src/main/backup/progress';
import { startSandbox } from '../../src/main/sandbox';
import { fenceOp, installDataFence } from '../../src/main/control/data-fence';

const N = Number(process.argv[2] ?? 100_000);
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-replay-'));
const sandbox = await startSandbox({ fast: true, oplogSizeBytes: 1024 * 1024 * 1024 });
const drSite = sandbox.description.sites.find((s) => s.name === 'DR')!;
const dr = new MongoClient(`mongodb://${drSite.members.map((m) => m.host).join(',')}/?replicaSet=${drSite.replicaSet}`);
const progress = () => new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined);
const T0 = Math.floor(Date.now() / 1000) - 7200;
let inc = 0;
const nextTs = () => new Timestamp({ t: T0 + Math.floor(inc / 100_000), i: (inc++ % 100_000) + 1 });

async function archive(name: string, entries: Iterable<Document>): Promise<{ path: string; count: number }> {
  const path = join(work, `${name}.bson.gz`);
  const w = new ArchiveWriter(path, 1);
  let count = 0;
  for (const e of entries) {
    await w.write(serialize(e));
    count++;
  }
  await w.finish();
  return { path, count };
}

async function timeApply(path: string, count: number, fence?: () => Document): Promise<number> {
  const t0 = performance.now();
  await applyIncrementArchive(dr, path, { count } as Manifest, { progress: progress(), fenceOp: fence });
  return count / ((performance.now() - t0) / 1000);
}

/** Corpus files left out: the sandbox has no time-series yet, and 12 is refused by design. */
const SANDBOX_LACKS = new Set(['09-timeseries.json', '12-refused.json']);
function corpus(reps: number): Document[] {
  const dir = join(import.meta.dirname, '../../test/fixtures/oplog');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !SANDBOX_LACKS.has(f)).sort();
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
  const out: Document[] = [];
  for (let r = 0; r < reps; r++)
    for (const t of texts)
      for (const e of (EJSON.parse(t.replaceAll('"shop.', `"shop${r}.`).replaceAll('"scratch.', `"scratch${r}.`), { relaxed: false }) as { entries: Document[] }).entries) {
        out.push({ ...e, ts: nextTs() });
      }
  return out;
}

function* mixed(n: number): Generator<Document> {
  const ui = new UUID();
  yield { op: 'c', ns: 'mix.$cmd', ui, o: { create: 'events' }, ts: nextTs(), t: Long.fromNumber(1), v: Long.fromNumber(2), wall: new Date() };
  let live = 0;
  for (let i = 0; i < n - 1; i++) {
    const k = i % 10;
    const base = { ns: 'mix.events', ui, ts: nextTs(), t: Long.fromNumber(1), v: Long.fromNumber(2), wall: new Date() };
    if (k < 6 || live < 10) yield { ...base, op: 'i', o: { _id: live++, type: 'alert', severity: ['low', 'high'][i % 2], msg: `event ${i} from sensor ${i % 97}`, at: new Date() }, o2: { _id: live - 1 } };
    else if (k < 9) yield { ...base, op: 'u', o: { $v: 2, diff: { u: { severity: 'medium', n: i } } }, o2: { _id: (i * 7919) % live } };
    else yield { ...base, op: 'd', o: { _id: --live } };
  }
}

try {
  await dr.connect();
  const ref = dr.db('bench').collection<{ _id: number; [k: string]: unknown }>('ref');
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000)
    await ref.insertMany(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ _id: i + j, type: 'alert', severity: 'low', msg: `event ${i + j}`, at: new Date() })),
      { writeConcern: { w: 'majority' } },
    );
  const insertRate = N / ((performance.now() - t0) / 1000);
  const c = await archive('corpus', corpus(50));
  const corpusRate = await timeApply(c.path, c.count);
  const m = await archive('mixed', mixed(N));
  const mixedRate = await timeApply(m.path, m.count);
  // The fence's cost: the same slice into fresh databases, plain and fenced in turn (three of each, medians),
  // so warm-up and load drift fall on both sides alike.
  await installDataFence(dr, 'bench', 1);
  const renamed = (db: string) => (function* () {
    for (const e of mixed(N)) yield { ...e, ns: String(e.ns).replace(/^mix\./, `${db}.`) };
  })();
  const plain: number[] = [];
  const fenced: number[] = [];
  for (let r = 0; r < 3; r++) {
    const a = await archive(`plain${r}`, renamed(`mixp${r}`));
    plain.push(await timeApply(a.path, a.count));
    const b = await archive(`fenced${r}`, renamed(`mixf${r}`));
    fenced.push(await timeApply(b.path, b.count, () => fenceOp('bench', 1)));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[1];
  const plainRate = med(plain);
  const fencedRate = med(fenced);
  const [l1, l5] = loadavg();
  console.log(`Replay rate (load average ${l1.toFixed(1)} / ${l5.toFixed(1)} on ${cpus().length} cores)`);
  console.log(`  sandbox insertMany, ${N} docs, w:majority:        ${insertRate.toFixed(0)} docs/s`);
  console.log(`  corpus x50 (${c.count} entries, DDL + txns):      ${corpusRate.toFixed(0)} entries/s  ratio ${(corpusRate / insertRate).toFixed(3)}`);
  console.log(`  mixed slice (${m.count} entries, 60/30/10 i/u/d): ${mixedRate.toFixed(0)} entries/s  ratio ${(mixedRate / insertRate).toFixed(3)}`);
  console.log(`  mixed slice, plain then fenced x3 (medians):    ${plainRate.toFixed(0)} vs ${fencedRate.toFixed(0)} entries/s  fenced/plain ${(fencedRate / plainRate).toFixed(3)}`);
  console.log(`  (corpus files left out, the sandbox lacks them: ${[...SANDBOX_LACKS].join(', ')})`);
} finally {
  await dr.close(true);
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

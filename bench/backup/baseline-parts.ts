/**
 * Baselines in parts, measured with the sandbox in its own process (`drdesk sandbox`), so neither the copy's
 * rate nor the engine's RSS shares a process with the server:
 *  1. Copy rate: the baseline's capture (parts read raw through the driver, gzip, sha256, to the outbox)
 *     against reading the same collections with the driver alone (raw cursors, nothing kept), in the same
 *     run, with 1 and with 4 at a time — as ratios (goal ≥ 0.7).
 *  2. Through a throttled link (bandwidth cap + one-way latency, src/main/connectors/link-throttle.ts) to a
 *     real sshd: a whole baseline (copy, ship while copying, restore on DR) by the engine as a child process.
 *  3. The same baseline SIGKILLed once part of it has landed, then restarted: the bytes sent the second time.
 *  Peak RSS of the engine process during 2 and 3.
 * Run (as root, for sshd): npx tsx bench/backup/baseline-parts.ts [--mb 1024] [--collections 4] [--rounds 2]
 *   [--link-mbps 40] [--latency-ms 25] [--skip-copy] [--skip-link] [--gzip LEVEL] [--parallel 1,4] [--no-reference]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { BackupStore } from '../../src/main/backup/backup-store';
import { captureBaseline } from '../../src/main/backup/baseline/capture';
import { BaselinePartStore } from '../../src/main/backup/baseline/part-store';
import { newChainId } from '../../src/main/backup/capture';
import { ProgressTracker } from '../../src/main/backup/progress';
import { connectMember, pickCopySource } from '../../src/main/connectors/mongo-endpoints';
import { startThrottledLink } from '../../src/main/connectors/link-throttle';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { topologySchema, type Topology } from '../../src/shared/topology';
import { startSshd } from '../../test/helpers/sshd';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    collections: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    'link-mbps': { type: 'string', default: '40' },
    'latency-ms': { type: 'string', default: '25' },
    'skip-copy': { type: 'boolean', default: false },
    'skip-link': { type: 'boolean', default: false },
    gzip: { type: 'string' },
    parallel: { type: 'string', default: '1,4' },
    'no-reference': { type: 'boolean', default: false },
  },
});
const MB = Number(values.mb);
const COLLECTIONS = Number(values.collections);
const ROUNDS = Number(values.rounds);
const DOC_BYTES = 1024;
const mib = (n: number) => (n / 1048576).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg()[0].toFixed(2);
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-baseline-'));
const children: ChildProcess[] = [];

function lines(child: ChildProcess, onLine: (l: Record<string, unknown>) => void): void {
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      onLine(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  });
}

async function startSandboxProcess(): Promise<{ topology: Topology; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/drdesk.mjs'), 'sandbox', '--fast', '--oplog-mb', '2048', '--dir', work], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const desc = await new Promise<{ topologyFile: string }>((resolve, reject) => {
    lines(child, (l) => resolve(l as unknown as { topologyFile: string }));
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
  });
  const raw = JSON.parse(readFileSync(desc.topologyFile, 'utf8')) as object;
  return { topology: topologySchema.parse({ ...raw, backup: { intervalMinutes: 60, keep: 5, from: 'DC', to: 'DR' }, targets: { rpoSeconds: 90, rtoSeconds: 60 } }), child };
}

function rsUri(t: Topology, site: string): string {
  const rs = t.sites.find((s) => s.name === site)!.replicaSets[0];
  return `mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`;
}

/** Documents of about 1 KiB, less than half of it random (as real payloads compress: partly). */
async function load_(dc: MongoClient): Promise<number> {
  const perColl = Math.ceil((MB * 1048576) / DOC_BYTES / COLLECTIONS);
  const t0 = Date.now();
  for (let c = 0; c < COLLECTIONS; c++) {
    const coll = dc.db('bench').collection(`c${c}`);
    for (let i = 0; i < perColl; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, perColl - i) }, (_, j) => ({ _id: i + j, k: `key-${(i + j) % 9973}`, n: i + j, at: new Date(), payload: `${randomBytes(336).toString('base64')}${'x'.repeat(450)}` }));
      await coll.insertMany(docs as never[], { writeConcern: { w: 1 } });
    }
  }
  console.log(`Loaded ${COLLECTIONS} collections × ${perColl} documents (~${MB} MiB) into DC in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return perColl * COLLECTIONS;
}

async function waitCaughtUp(dc: MongoClient): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const st = await dc.db('admin').command({ replSetGetStatus: 1 });
    const data = (st.members as Array<{ stateStr: string; optimeDate?: Date }>).filter((m) => m.stateStr === 'PRIMARY' || m.stateStr === 'SECONDARY');
    const times = data.map((m) => m.optimeDate?.getTime() ?? 0);
    if (data.length >= 2 && Math.max(...times) - Math.min(...times) < 500) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the DC secondary did not catch up');
}

/** The driver alone: every collection's documents as raw BSON, `parallel` collections at a time. */
async function rawRead(src: MongoClient, parallel: number): Promise<{ seconds: number; bytes: number; docs: number }> {
  const names = Array.from({ length: COLLECTIONS }, (_, c) => `c${c}`);
  let bytes = 0;
  let docs = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let n = names.shift(); n; n = names.shift())
      for await (const raw of src.db('bench').collection(n).find({}, { raw: true, batchSize: 2_000 }) as AsyncIterable<Uint8Array>) {
        bytes += raw.byteLength;
        docs++;
      }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { seconds: (performance.now() - t0) / 1000, bytes, docs };
}

async function ourCopy(dc: MongoClient, topology: Topology, parallel: number): Promise<{ seconds: number; bytes: number; docs: number; parts: number; rss: number }> {
  const db = new Database(':memory:');
  const store = new BackupStore(db);
  const outbox = join(work, `outbox-${parallel}-${Date.now()}`);
  const chainId = newChainId();
  store.createChain(chainId, 'rs-dc');
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 200);
  const t0 = performance.now();
  try {
    const m = await captureBaseline(dc, topology.sites.find((s) => s.name === 'DC')!.replicaSets[0], {
      chainId,
      store,
      outbox,
      progress: new ProgressTracker({ cycleId: 0, kind: 'baseline' }, () => undefined),
      clientOptions: { secrets: new MemorySecretStore(), timeoutMs: 20_000 },
      parts: new BaselinePartStore(db),
      copyConcurrency: parallel,
      gzipLevel: values.gzip === undefined ? undefined : Number(values.gzip),
    });
    const seconds = (performance.now() - t0) / 1000;
    const parts = m.parts ?? [];
    return { seconds, bytes: parts.reduce((n, p) => n + p.rawBytes, 0), docs: parts.reduce((n, p) => n + p.count, 0), parts: parts.length, rss };
  } finally {
    clearInterval(sampler);
    rmSync(outbox, { recursive: true, force: true });
    db.close();
  }
}

function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface ChildRun {
  record: { bytes: number; error: { code: string; message: string } | null; startedAt: string; finishedAt: string } | null;
  peakRss: number;
  seconds: number;
  killed: boolean;
  /** Seconds from the start at which each phase was first seen. */
  phases: Map<string, number>;
}

/** The engine as a child running one baseline; `killWhen` is polled every 200 ms and SIGKILLs it when true. */
async function engineRun(env: object, killWhen?: () => boolean): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'baseline-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DRDESK_BENCH_CHILD: JSON.stringify(env) } });
  children.push(child);
  const out: ChildRun = { record: null, peakRss: 0, seconds: 0, killed: false, phases: new Map() };
  const t0 = performance.now();
  lines(child, (l) => {
    if (l.event === 'done') out.record = l.record as ChildRun['record'];
    if (l.event === 'progress' && !out.phases.has(String(l.phase))) out.phases.set(String(l.phase), (performance.now() - t0) / 1000);
  });
  const poll = setInterval(() => {
    out.peakRss = Math.max(out.peakRss, rssOf(child.pid!));
    if (!out.killed && killWhen?.()) {
      out.killed = true;
      child.kill('SIGKILL');
    }
  }, 200);
  await new Promise((r) => child.once('exit', r));
  clearInterval(poll);
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

function landedParts(dir: string): { files: number; bytes: number } {
  const names = readdirSync(dir).filter((f) => /\.p\d{4}$/.test(f));
  return { files: names.length, bytes: names.reduce((n, f) => n + statSync(join(dir, f)).size, 0) };
}

try {
  console.log(`Baselines in parts: ${MB} MiB in ${COLLECTIONS} collections; ${cpus().length} cores, load average ${load()}`);
  const { topology } = await startSandboxProcess();
  const dc = new MongoClient(rsUri(topology, 'DC'), { serverSelectionTimeoutMS: 20_000 });
  await dc.connect();
  await load_(dc);
  await waitCaughtUp(dc);
  const rs = topology.sites.find((s) => s.name === 'DC')!.replicaSets[0];

  if (!values['skip-copy']) {
    const source = await pickCopySource(dc, rs);
    const src = await connectMember(rs, source.member, { secrets: new MemorySecretStore(), timeoutMs: 20_000 });
    console.log(`\n1. Copy rate from ${source.member.name} (${source.why}), ${ROUNDS} rounds each, medians:`);
    for (const parallel of String(values.parallel).split(',').map(Number)) {
      const raw: number[] = [];
      const ours: number[] = [];
      let last: Awaited<ReturnType<typeof ourCopy>> | null = null;
      let rawDocsPerS = 0;
      for (let r = 0; r < ROUNDS; r++) {
        // The sandbox answers a find with its whole result in memory: a multi-GiB collection read whole can
        // exhaust its heap, where the baseline's parts (64 MiB each) do not. --no-reference skips it.
        if (!values['no-reference']) {
          const a = await rawRead(src, parallel);
          raw.push(a.bytes / a.seconds);
          rawDocsPerS = a.docs / a.seconds;
        }
        last = await ourCopy(dc, topology, parallel);
        ours.push(last.bytes / last.seconds);
      }
      const ratio = raw.length ? median(ours) / median(raw) : Number.NaN;
      console.log(
        `  ${parallel} at a time: driver alone ${mib(median(raw))} MiB/s (${Math.round(rawDocsPerS)} docs/s); baseline copy ${mib(median(ours))} MiB/s (${Math.round((last!.docs / last!.bytes) * median(ours))} docs/s, ${last!.parts} parts) — ratio ${ratio.toFixed(2)}; this process's peak RSS while copying ${mib(last!.rss)} MiB; load ${load()}`,
      );
    }
    await src.close();
  }

  if (!values['skip-link']) {
    const sshd = await startSshd();
    const mbps = Number(values['link-mbps']);
    const latencyMs = Number(values['latency-ms']);
    const shape = { bytesPerSecond: mbps * 1048576, latencyMs };
    const link = await startThrottledLink({ host: sshd.host, port: sshd.port }, { up: shape, down: shape });
    const withLanding = topologySchema.parse({
      ...topology,
      sites: topology.sites.map((s) => (s.role === 'dr' ? { ...s, ssh: [{ name: 'dr-landing', host: '127.0.0.1', port: link.port, username: sshd.user, passwordSecret: 'dr-landing', backupDir: sshd.landingDir }] } : s)),
    });
    const env = (dataDir: string) => ({
      topology: withLanding,
      dataDir,
      secret: { name: 'dr-landing', value: sshd.password },
      pin: { hostPort: `127.0.0.1:${link.port}`, fingerprint: sshd.hostKeyFingerprint() },
      baseline: {},
    });
    console.log(`\n2. A whole baseline through a ${mbps} MiB/s link with ${latencyMs} ms one way (engine in its own process):`);
    const whole = await engineRun(env(mkdtempSync(join(work, 'desk-a-'))));
    if (!whole.record || whole.record.error) throw new Error(`the throttled baseline failed: ${JSON.stringify(whole.record?.error)}`);
    const shipped = landedParts(sshd.landingDir);
    const phases = [...whole.phases].map(([p, t]) => `${p} at ${t.toFixed(1)} s`).join(', ');
    console.log(`  ${whole.seconds.toFixed(1)} s end to end (${phases}); ${mib(whole.record.bytes)} MiB sent in ${shipped.files} parts + head; ${mib(whole.record.bytes / whole.seconds)} MiB/s averaged over the whole baseline on a ${mbps} MiB/s link; peak RSS ${mib(whole.peakRss)} MiB; load ${load()}`);

    console.log(`\n3. The same baseline by a new workstation, SIGKILLed once 40 % of its bytes have landed, then restarted:`);
    const before = new Set(readdirSync(sshd.landingDir));
    const fresh = () => {
      const names = readdirSync(sshd.landingDir).filter((f) => !before.has(f) && /\.p\d{4}$/.test(f));
      return names.reduce((n, f) => n + statSync(join(sshd.landingDir, f)).size, 0);
    };
    const dir = mkdtempSync(join(work, 'desk-b-'));
    const cut = await engineRun(env(dir), () => fresh() >= 0.4 * whole.record!.bytes);
    const atKill = fresh();
    if (!cut.killed) throw new Error('the baseline finished before 40 % had landed: use a larger --mb or a slower --link-mbps');
    const again = await engineRun(env(dir));
    if (!again.record || again.record.error) throw new Error(`the resumed baseline failed: ${JSON.stringify(again.record?.error)}`);
    console.log(
      `  killed after ${cut.seconds.toFixed(1)} s with ${mib(atKill)} MiB of parts landed (peak RSS ${mib(cut.peakRss)} MiB); the restart sent ${mib(again.record.bytes)} MiB of ${mib(whole.record.bytes)} MiB (${((100 * again.record.bytes) / whole.record.bytes).toFixed(0)} %) in ${again.seconds.toFixed(1)} s (peak RSS ${mib(again.peakRss)} MiB); load ${load()}`,
    );
    await link.close();
    await sshd.stop();
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
  // The driver's client to the stopped sandbox would keep retrying: nothing else is left to wait for.
  process.exit();
}

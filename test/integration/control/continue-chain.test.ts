import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineLease } from '../../../src/main/control/lease';
import { BackupService } from '../../../src/main/backup/service';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { insertCounts, startLocalBed, type LocalBed } from './local-bed';

/**
 * The chain lives on DR: a workstation whose data directory was deleted, or a second workstation, continues
 * DR's chain from its head — no new baseline, no gap, no repeat — and its status shows that chain. Also
 * here: a damaged manifest at the landing is replaced, RPO in DC's time whatever this machine's clock says,
 * DR Desk's own database never travels, a duplicate key on DR is named.
 */
let bed: LocalBed;
const LEASE = (ws: string) => ({ controlLease: { ttlMs: 5_000, workstation: ws, identity: ws } });
type Ev = { _id: string; n: number };
const events = (b: LocalBed) => b.dc.db('soar').collection<Ev>('events');
let n = 0;
async function waitUntilAsync(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function write(count: number): Promise<void> {
  await events(bed).insertMany(Array.from({ length: count }, () => ({ _id: `e${++n}`, n })));
}

async function ok(s: BackupService, kind: 'cycle' | 'baseline' = 'cycle') {
  const r = await s.run(kind, 'manual', true);
  expect(r.error).toBeNull();
  return r;
}

/** Every DC event is on DR exactly once, counted in DR's oplog. */
async function exactlyOnce(): Promise<void> {
  const counts = await insertCounts(bed.dr, 'soar.events');
  const dcIds = (await events(bed).find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  const missing = dcIds.filter((id) => !counts.has(id));
  const twice = [...counts].filter(([, c]) => c > 1);
  expect({ missing, twice }).toEqual({ missing: [], twice: [] });
  expect(await bed.dr.db('soar').collection('events').countDocuments({})).toBe(dcIds.length);
}

beforeAll(async () => {
  bed = await startLocalBed();
});
afterAll(async () => {
  await bed?.close();
});

describe('continuing DR\'s chain from any workstation', () => {
  it('a deleted data directory and a second workstation continue the same chain without a baseline, a gap or a repeat; status shows it', async () => {
    const a = bed.desk('a', LEASE('desk-a'));
    await write(20);
    await ok(a.service, 'baseline');
    await write(15);
    await ok(a.service);
    const chainId = a.service.status().chain!.chainId;
    await write(10);
    // A slice captured and shipped but never applied, then the directory is lost.
    const stagedRec = await a.service.stage('manual');
    expect(stagedRec.error).toBeNull();
    await a.close();
    rmSync(a.dir, { recursive: true, force: true });

    const a2 = bed.desk('a', LEASE('desk-a'));
    expect(a2.service.status().chain).toBeNull();
    await write(5);
    const first = await ok(a2.service);
    expect(first.applied).toBe(1);
    const st = a2.service.status();
    expect(st.chain?.chainId).toBe(chainId);
    expect(st.needsBaseline).toBe(false);
    await exactlyOnce();

    // A second workstation takes over with no history of its own.
    const b = bed.desk('b', LEASE('desk-b'));
    await write(7);
    await ok(b.service);
    expect(b.service.status().chain?.chainId).toBe(chainId);
    await exactlyOnce();
    // And the first one again, now behind DR's head: its cache is replaced by DR's head, not extended.
    await write(3);
    await ok(a2.service);
    expect(a2.service.status().chain?.chainId).toBe(chainId);
    await exactlyOnce();
    const doc = await bed.dr.db('drdesk').collection('chain').findOne({});
    expect(doc?.chainId).toBe(chainId);
    const verify = await a2.service.verify(false);
    expect(verify.findings.filter((f) => !f.ok)).toEqual([]);
    const control = await b.service.controlStatus();
    expect(control.chain).toMatchObject({ chainId, appliedSeq: doc?.appliedSeq, by: 'desk-a' });
    expect(control.lease.sentence).toMatch(/backups are run by desk-a/);
  }, 120_000);

  it('a truncated manifest at the landing is shipped again on the next cycle, and the slice applied', async () => {
    const s = bed.desk('c', LEASE('desk-c')).service;
    await write(4);
    expect((await s.stage('manual')).error).toBeNull();
    const file = readdirSync(bed.landing).filter((f) => f.endsWith('.manifest.json')).sort().at(-1)!;
    const text = readFileSync(join(bed.landing, file), 'utf8');
    writeFileSync(join(bed.landing, file), text.slice(0, Math.floor(text.length / 2)));
    const damaged = await s.run('cycle', 'manual', true);
    expect(damaged.error?.code).toBe('MANIFEST_INVALID');
    expect(damaged.error?.message).toMatch(/shipped again/);
    const next = await ok(s);
    expect(next.shipped).toBeGreaterThanOrEqual(1);
    expect(next.applied).toBeGreaterThanOrEqual(1);
    expect(() => JSON.parse(readFileSync(join(bed.landing, file), 'utf8'))).not.toThrow();
    await exactlyOnce();
  }, 60_000);

  it('RPO is measured in DC\'s time: with this machine\'s clock 5 min behind DC it is never 0 through a stall and never negative', async () => {
    const skewed = bed.desk('d', { ...LEASE('desk-d'), clock: () => Date.now() - 300_000 }).service;
    await write(3);
    await ok(skewed);
    const right = skewed.status().rpo.seconds!;
    expect(right).toBeGreaterThan(0);
    expect(right).toBeLessThan(30);
    // A stall: DC keeps writing, nothing is captured.
    await write(1);
    await new Promise((r) => setTimeout(r, 3_000));
    const stalled = skewed.status().rpo.seconds!;
    expect(stalled).toBeGreaterThanOrEqual(right + 2.5);
    // The other way round (this machine 5 min ahead): not 300 s either.
    const ahead = bed.desk('e', { ...LEASE('desk-e'), clock: () => Date.now() + 300_000 }).service;
    await ok(ahead);
    expect(ahead.status().rpo.seconds!).toBeLessThan(30);
  }, 60_000);

  it('DR Desk\'s control database is neither captured nor copied to DR', async () => {
    const s = bed.desk('f', LEASE('desk-f')).service;
    await bed.dc.db('drdesk').collection('ledger').insertOne({ _id: 'req_dc_only_0000000001', nonce: 'x'.repeat(22) } as never);
    await write(2);
    const r = await ok(s);
    expect(r.captured).toBe(1);
    const chain = s.status().chain!;
    const last = s.store.slices(chain.chainId).at(-1)!;
    expect(last.manifest.count).toBe(2);
    expect(await bed.dr.db('drdesk').collection('ledger').countDocuments({ _id: 'req_dc_only_0000000001' } as never)).toBe(0);
    // A new baseline: DC's drdesk database stays on DC, DR's stays on DR.
    await ok(s, 'baseline');
    expect(await bed.dr.db('drdesk').collection('ledger').countDocuments({ _id: 'req_dc_only_0000000001' } as never)).toBe(0);
    expect(await bed.dr.db('drdesk').collection('lease').countDocuments({})).toBe(1);
    expect(await bed.dr.db('soar').collection('events').countDocuments({})).toBe(await events(bed).countDocuments({}));
  }, 90_000);

  it('a duplicate key on DR (someone wrote to DR\'s copy) fails the cycle with a code and a sentence, not "11000"', async () => {
    const s = bed.desk('g', LEASE('desk-g')).service;
    await bed.dc.db('soar').collection('users').createIndex({ email: 1 }, { unique: true });
    await ok(s);
    await bed.dr.db('soar').collection('users').insertOne({ _id: 'written-on-dr', email: 'x@example.com' } as never);
    await bed.dc.db('soar').collection('users').insertOne({ _id: 'u1', email: 'x@example.com' } as never);
    const r = await s.run('cycle', 'manual', true);
    expect(r.error?.code).toMatch(/^[A-Z_]+$/);
    expect(r.error?.message).toMatch(/duplicate key/i);
    expect(r.error?.message).toMatch(/soar\.users/);
    await bed.dr.db('soar').collection('users').deleteOne({ _id: 'written-on-dr' } as never);
    await ok(s);
    expect(await bed.dr.db('soar').collection('users').countDocuments({ _id: 'u1' } as never)).toBe(1);
  }, 60_000);

  it('take-over (DeskApi takeOverBackups) is refused while the holder\'s heartbeat is fresh and works once it stopped; the view names the holder', async () => {
    const s = bed.desk('h', LEASE('desk-h')).service;
    const other = new PipelineLease(bed.dr, s.pipeline.controlId, 1_000);
    const held = await other.acquire({ workstation: 'laptop-z', identity: 'zoe', hostname: 'laptop', pid: 1 });
    const seen = await s.controlView();
    expect(seen).toMatchObject({ holder: { identity: 'zoe', workstation: 'laptop-z' }, mine: false, term: held.term, ttlSeconds: 1 });
    expect(seen.sentence).toMatch(/^backups are run by zoe on laptop \(pid 1, workstation laptop-z\) \(last heartbeat \d+ s ago\)$/);
    await expect(s.takeOver()).rejects.toMatchObject({ code: 'LEASE_HELD', message: expect.stringMatching(/Not taken over: backups are run by zoe/) });
    await new Promise((r) => setTimeout(r, 1_300));
    expect((await s.controlView()).sentence).toMatch(/expired: it can be taken over/);
    const c = await s.takeOver();
    expect(c.error).toBeNull();
    const after = await s.controlView();
    expect(after).toMatchObject({ mine: true, term: held.term + 1, holder: { workstation: 'desk-h' } });
    expect(after.sentence).toMatch(/given up after its last cycle/);
    expect(after.chain?.by).toBe('desk-h');
  }, 30_000);

  it("a status read (another BackupService on the same data directory, as the CLI opens it) never changes the running cycle", async () => {
    const d = bed.desk('i', { ...LEASE('desk-i'), applyBatchEntries: 10 });
    if ((await bed.dr.db('drdesk').collection('chain').countDocuments({})) === 0) await ok(d.service, 'baseline');
    await events(bed).insertMany(Array.from({ length: 1500 }, (_, i) => ({ _id: `st-${i}`, n: i })));
    const running = await d.service.run('cycle', 'manual', false);
    expect(running.state).toBe('running');
    const reader = new BackupService({ topology: bed.topology, secrets: new MemorySecretStore(), db: d.database.db, dataDir: d.dir, options: { localLanding: bed.landing, ...LEASE('desk-i') } });
    expect(reader.store.cycle(running.id)?.state).toBe('running');
    const control = await reader.controlStatus();
    expect(control.adopted).toBe(false);
    expect(reader.status().recentCycles.find((c) => c.id === running.id)?.state).toBe('running');
    await waitUntil(() => d.service.store.cycle(running.id)?.state !== 'running', 60_000);
    expect(d.service.store.cycle(running.id)).toMatchObject({ state: 'ok', error: null });
    await reader.stop();
    expect(await bed.dr.db('soar').collection('events').countDocuments({})).toBe(await events(bed).countDocuments({}));
  }, 90_000);

  it('the schedule keeps its lease between cycles (others wait and watch DR\'s chain) and gives it up when paused', async () => {
    const holder = bed.desk('j', { ...LEASE('desk-j'), intervalMs: 300 }).service;
    const watcher = bed.desk('k', { ...LEASE('desk-k'), intervalMs: 300 }).service;
    holder.start(true);
    await waitUntilAsync(async () => (await holder.controlView()).mine && holder.store.recentCycles(1)[0]?.state === 'ok', 20_000);
    watcher.start(true);
    await write(5);
    await new Promise((r) => setTimeout(r, 1_500));
    // The watcher never ran a cycle, yet its cache follows the chain DR holds.
    expect(watcher.store.recentCycles(10)).toEqual([]);
    expect(watcher.status().chain?.chainId).toBe((await bed.dr.db('drdesk').collection('chain').findOne({}))?.chainId);
    expect((await watcher.controlView()).holder?.workstation).toBe('desk-j');
    holder.setSchedule({ enabled: false });
    await waitUntilAsync(async () => watcher.store.recentCycles(1)[0]?.state === 'ok', 20_000);
    expect((await watcher.controlView()).mine).toBe(true);
    await holder.stop();
    await watcher.stop();
    expect(await bed.dr.db('soar').collection('events').countDocuments({})).toBe(await events(bed).countDocuments({}));
  }, 60_000);

  it('DR unreachable: the lease cannot be taken, the cycle still captures and ships, applies nothing, and says MONGO_UNREACHABLE', async () => {
    const s = bed.desk('l', { ...LEASE('desk-l'), timeoutMs: 2_000 }).service;
    if ((await bed.dr.db('drdesk').collection('chain').countDocuments({})) === 0) await ok(s, 'baseline');
    await ok(s);
    await write(3);
    await bed.sandbox.fault({ action: 'partition', target: 'DR', from: 'clients' });
    let r;
    try {
      r = await s.run('cycle', 'manual', true);
    } finally {
      await bed.sandbox.fault({ action: 'heal', target: 'DR' });
    }
    expect(r).toMatchObject({ captured: 1, shipped: 1, applied: 0, error: { code: 'MONGO_UNREACHABLE' } });
    const next = await ok(s);
    expect(next.applied).toBe(1);
    expect(await bed.dr.db('soar').collection('events').countDocuments({})).toBe(await events(bed).countDocuments({}));
  }, 60_000);
});


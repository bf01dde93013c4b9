import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Timestamp, type Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exited, insertCounts, jsonChild, startLocalBed, until, type LocalBed } from './local-bed';

/**
 * Real processes against the sandbox over TCP: two workstations (two data directories, one topology) with
 * the schedule on under a workload, killed (SIGKILL), frozen (SIGSTOP) and resumed (SIGCONT) by pid; DR's
 * primary killed right after a cycle and in the middle of an apply. What must hold every time: one cycle
 * at a time across the processes, every DC event on DR exactly once (counted in DR's oplog), the same
 * chain continued, and nothing DR's chain document calls applied lost by a failover.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
// Long enough that a heartbeat (every third of it) survives the suite running another integration file beside this one.
const TTL = 4_000;
let bed: LocalBed;
let chainId: string;
const children = new Set<ChildProcess>();

interface Line {
  ws: string;
  id?: number;
  state?: string;
  startedAt?: string;
  finishedAt?: string;
  applied?: number;
  error?: string | null;
  event?: string;
}

function child(name: string, opts: { batchEntries?: number } = {}): { proc: ChildProcess; lines: Line[] } {
  const config = { topology: bed.sandbox.topology, landing: bed.landing, dataDir: join(bed.dir, name), workstation: name, ttlMs: TTL, intervalMs: 300, ...opts };
  return jsonChild<Line>(join(here, 'desk-child.ts'), config, children);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A DC workload whose every write is majority-acknowledged: its ids are what DR must end up holding. */
function workload(perTick = 10): { stop: () => Promise<number> } {
  let n = 0;
  let on = true;
  const coll = bed.dc.db('soar').collection<{ _id: string }>('events', { writeConcern: { w: 'majority' } });
  const loop = (async () => {
    while (on) {
      await coll.insertMany(Array.from({ length: perTick }, () => ({ _id: `ev-${Date.now()}-${n++}` })));
      await sleep(30);
    }
  })();
  return {
    stop: async () => {
      on = false;
      await loop;
      return n;
    },
  };
}

async function lease(): Promise<Document | null> {
  return bed.dr.db('drdesk').collection('lease').findOne({});
}
async function chainDoc(): Promise<Document | null> {
  return bed.dr.db('drdesk').collection('chain').findOne({});
}

/** Waits until DR holds every DC event, then: exactly once each, and DR follows the seed's chain. */
async function everyEventOnceOnDr(ms = 30_000): Promise<void> {
  const dcCount = await bed.dc.db('soar').collection('events').countDocuments({});
  await until('DR to catch up', ms, async () => (await bed.dr.db('soar').collection('events').countDocuments({})) === dcCount);
  const counts = await insertCounts(bed.dr, 'soar.events');
  const twice = [...counts].filter(([, c]) => c > 1);
  expect(twice).toEqual([]);
  expect(counts.size).toBe(dcCount);
  expect((await chainDoc())?.chainId).toBe(chainId);
}

async function stopAll(): Promise<void> {
  for (const p of children) {
    if (p.signalCode === 'SIGSTOP') p.kill('SIGCONT');
    p.kill('SIGTERM');
  }
  await Promise.all([...children].map(exited));
}

beforeAll(async () => {
  bed = await startLocalBed();
  const seed = bed.desk('seed', { controlLease: { ttlMs: TTL, workstation: 'seed', identity: 'seed' } });
  await bed.dc.db('soar').collection('events').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `pre-${i}` })) as never[]);
  const r = await seed.service.run('baseline', 'manual', true);
  expect(r.error).toBeNull();
  chainId = seed.service.status().chain!.chainId;
  await seed.close();
}, 60_000);

afterEach(stopAll);
afterAll(async () => {
  await stopAll();
  await bed?.close();
});

describe('workstations as real processes', () => {
  it('two desks with the schedule on: one cycle at a time; SIGKILL the holder and the other takes over after the time to live and continues the chain', async () => {
    const w = workload();
    const a = child('desk-a');
    const b = child('desk-b');
    await until('both desks to run cycles', 20_000, () => a.lines.some((l) => l.state === 'ok' && (l.applied ?? 0) > 0) || b.lines.some((l) => l.state === 'ok' && (l.applied ?? 0) > 0));
    await sleep(1_500);
    // The holder keeps the lease between its cycles: the other desk's schedule waits.
    const ran = new Set([...a.lines, ...b.lines].filter((l) => l.id !== undefined).map((l) => l.ws));
    expect(ran.size).toBe(1);
    // Kill whichever holds the lease, while it holds it.
    let victim: Document | null = null;
    await until('a held lease', 10_000, async () => {
      const l = await lease();
      if (!l || l.expiresAt.getTime() <= Date.now() + 200) return false;
      victim = l;
      return true;
    });
    const dead = (victim as unknown as Document).holder.workstation === 'desk-a' ? a : b;
    const survivor = dead === a ? b : a;
    dead.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const killedTerm = (victim as unknown as Document).term as number;
    await exited(dead.proc);
    await until('the survivor to take the lease', TTL * 4, async () => ((await lease())?.term ?? 0) > killedTerm);
    const taken = (await lease())!;
    expect(taken.holder.workstation).toBe(survivor === a ? 'desk-a' : 'desk-b');
    // Not before the dead holder's heartbeat was a time to live old.
    expect(taken.since.getTime()).toBeGreaterThanOrEqual((victim as unknown as Document).heartbeat.getTime() + TTL - 50);
    expect(taken.since.getTime()).toBeGreaterThan(killedAt - 50);
    await sleep(1_500);
    await w.stop();
    await everyEventOnceOnDr();
    // One cycle at a time across both processes.
    const spans = [...a.lines, ...b.lines].filter((l) => l.startedAt && l.finishedAt).map((l) => ({ ws: l.ws, from: Date.parse(l.startedAt!), to: Date.parse(l.finishedAt!) }));
    spans.sort((x, y) => x.from - y.from);
    for (let i = 1; i < spans.length; i++) if (spans[i].ws !== spans[i - 1].ws) expect(spans[i].from).toBeGreaterThanOrEqual(spans[i - 1].to - 5);
    expect(new Set(spans.map((s) => s.ws)).size).toBe(2);
  }, 60_000);

  it('a holder frozen (SIGSTOP) past the time to live and resumed applies nothing: its term is fenced out', async () => {
    const w = workload(20);
    const a = child('desk-a');
    await until('desk-a to hold the lease', 15_000, async () => {
      const l = await lease();
      return l?.holder.workstation === 'desk-a' && l.expiresAt.getTime() > Date.now() + 300;
    });
    a.proc.kill('SIGSTOP');
    const frozenTerm = (await lease())!.term as number;
    const b = child('desk-b');
    await until('desk-b to take over', TTL * 4 + 10_000, async () => ((await lease())?.term ?? 0) > frozenTerm && b.lines.some((l) => l.state === 'ok'));
    await sleep(500);
    const beforeResume = await insertCounts(bed.dr, 'soar.events');
    a.proc.kill('SIGCONT');
    await sleep(1_500);
    const afterResume = await insertCounts(bed.dr, 'soar.events');
    // Whatever DR gained meanwhile came from B's cycles: A's late work added no second copy of anything.
    expect([...afterResume].filter(([, c]) => c > 1)).toEqual([]);
    expect(afterResume.size).toBeGreaterThanOrEqual(beforeResume.size);
    const aCycles = a.lines.filter((l) => l.id !== undefined);
    const frozenCycle = aCycles.find((l) => l.error === 'LEASE_LOST');
    if (frozenCycle) expect(frozenCycle.state).toBe('failed');
    await w.stop();
    await everyEventOnceOnDr();
  }, 60_000);

  it('SIGKILL during apply, again and again: no entry is applied twice', async () => {
    await bed.dc.db('soar').collection('events').insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: `bulk-${i}` })) as never[], { writeConcern: { w: 'majority' } });
    let kills = 0;
    for (let round = 0; round < 5; round++) {
      const c = child('desk-c', { batchEntries: 25 });
      // The restart of the same workstation is not blocked by its dead predecessor's lease.
      await until('desk-c to hold the lease', 10_000, async () => (await lease())?.holder.pid === c.proc.pid);
      await sleep(150 + Math.floor(Math.random() * 400));
      const before = (await chainDoc())?.appliedTs as Timestamp | undefined;
      c.proc.kill('SIGKILL');
      await exited(c.proc);
      kills++;
      const after = (await chainDoc())?.appliedTs as Timestamp | undefined;
      expect(after === undefined || before === undefined || after.compare(before) >= 0).toBe(true);
    }
    expect(kills).toBe(5);
    child('desk-c', { batchEntries: 25 });
    await everyEventOnceOnDr(40_000);
  }, 90_000);

  it("DR's primary killed right after a cycle and in the middle of an apply: nothing DR's chain document calls applied is lost", async () => {
    const drSite = bed.topology.sites.find((s) => s.name === 'DR')!;
    const primaryName = async (): Promise<string> => {
      const hello = await bed.dr.db('admin').command({ hello: 1 });
      return drSite.replicaSets[0].members.find((m) => `${m.host}:${m.port}` === hello.primary)!.name;
    };
    /** Every DC insert at or before DR's recorded position is on DR's (new) primary. */
    const nothingLost = async () => {
      const at = (await chainDoc())!.appliedTs as Timestamp;
      const ids = (await bed.dc.db('local').collection('oplog.rs').find({ ns: 'soar.events', op: 'i', ts: { $lte: at } }).toArray()).map((e) => e.o._id as string);
      const onDr = new Set((await bed.dr.db('soar').collection<{ _id: string }>('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      expect(ids.filter((id) => !onDr.has(id))).toEqual([]);
    };
    const d = bed.desk('desk-d', { controlLease: { ttlMs: TTL, workstation: 'desk-d', identity: 'desk-d' }, applyBatchEntries: 25 });
    await bed.dc.db('soar').collection('events').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `fo1-${i}` })) as never[]);
    // The previous test's last process may still be giving its lease up.
    let firstCycle: { error: unknown } | null = null;
    await until('a first cycle of desk-d', TTL * 3, async () => {
      firstCycle = await d.service.run('cycle', 'manual', true).catch((err: { code?: string }) => {
        if (err.code !== 'LEASE_HELD') throw err;
        return null;
      });
      return firstCycle !== null;
    });
    expect(firstCycle!.error).toBeNull();
    const first = await primaryName();
    await bed.sandbox.fault({ action: 'kill', target: first });
    await until('a new DR primary', 20_000, async () => (await primaryName().catch(() => first)) !== first);
    await nothingLost();
    await bed.sandbox.fault({ action: 'revive', target: first });

    await bed.dc.db('soar').collection('events').insertMany(Array.from({ length: 1200 }, (_, i) => ({ _id: `fo2-${i}` })) as never[]);
    const running = d.service.run('cycle', 'manual', true);
    await until('the apply to start', 10_000, () => d.service.status().running?.phase === 'apply');
    await sleep(100);
    const second = await primaryName();
    await bed.sandbox.fault({ action: 'kill', target: second });
    await running;
    await until('a new DR primary', 20_000, async () => (await primaryName().catch(() => second)) !== second);
    await nothingLost();
    await bed.sandbox.fault({ action: 'revive', target: second });
    await until('a cycle that completes', 30_000, async () => (await d.service.run('cycle', 'manual', true).catch(() => null))?.error === null);
    await everyEventOnceOnDr();
  }, 90_000);
});

import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRpoView } from '../../../src/shared/api/backup';
import { exited, insertCounts, jsonChild, until, startLocalBed, type LocalBed } from '../control/local-bed';

/**
 * Continuous mode end to end over the wire: the sandbox's DC and DR, a desk process tailing DC's oplog with
 * 1-second slices under a majority-acknowledged workload. DC's primary is killed during the tailing (the
 * tailer resumes from its recorded position on the new primary), then the desk itself is SIGKILLed while a
 * slice is open and started again. What must hold: every acknowledged DC event on DR exactly once (counted
 * in DR's oplog, applyOps included), DR equal to DC, one unbroken chain, a live RPO of a few seconds.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const TTL = 2_500;
let bed: LocalBed;
const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface Line {
  event: string;
  live?: LiveRpoView | null;
  appliedSeq?: number | null;
  chainState?: string | null;
}

function child(dataDir: string): { proc: ChildProcess; lines: Line[] } {
  return jsonChild<Line>(join(here, 'continuous-child.ts'), { topology: bed.sandbox.topology, landing: bed.landing, dataDir, workstation: 'ws-continuous', ttlMs: TTL, sliceSeconds: 1 }, children);
}

/** Inserts acknowledged by DC's majority (retried through a failover); their ids are what DR must hold. */
function workload(): { acked: Set<string>; stop: () => Promise<void> } {
  const acked = new Set<string>();
  let on = true;
  let n = 0;
  const coll = bed.dc.db('soar').collection<{ _id: string }>('events', { writeConcern: { w: 'majority', wtimeoutMS: 5_000 } });
  const loop = (async () => {
    while (on) {
      const docs = Array.from({ length: 5 }, () => ({ _id: `ev-${n++}`, at: new Date() }));
      try {
        await coll.insertMany(docs, { ordered: true });
        for (const d of docs) acked.add(d._id);
      } catch {
        // No primary for a moment (the failover): these ids are not counted as acknowledged.
      }
      await sleep(40);
    }
  })();
  return {
    acked,
    stop: async () => {
      on = false;
      await loop;
    },
  };
}

async function dcPrimary(): Promise<string> {
  await until('a DC primary', 20_000, () => bed.sandbox.state().members.some((m) => m.site === 'DC' && m.stateStr === 'PRIMARY'));
  return bed.sandbox.state().members.find((m) => m.site === 'DC' && m.stateStr === 'PRIMARY')!.name;
}

beforeAll(async () => {
  bed = await startLocalBed({ sandbox: { periodicNoopIntervalMs: 0 } });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await bed?.close();
}, 60_000);

describe('continuous mode', () => {
  it('tails through a DC failover and a SIGKILL mid-slice: every DC event on DR exactly once, DR equal to DC', async () => {
    const dataDir = join(bed.dir, 'ws');
    try {
      await scenario(dataDir);
    } catch (err) {
      // The desk's own log says which stage stalled.
      const path = join(dataDir, 'backup', 'backup.log');
      if (existsSync(path)) process.stderr.write(readFileSync(path, 'utf8').split('\n').slice(-40).join('\n'));
      throw err;
    }
  }, 150_000);
});

async function scenario(dataDir: string): Promise<void> {
  {
    await bed.dc.db('soar').collection('events').insertMany([{ _id: 'seed-1' }, { _id: 'seed-2' }] as never[], { writeConcern: { w: 'majority' } });
    const first = bed.desk('ws', { controlLease: { ttlMs: TTL, workstation: 'ws-continuous', identity: 'ws-continuous' } });
    const base = await first.service.run('baseline', 'manual', true);
    expect(base.state, base.error?.message).toBe('ok');
    await first.close();

    const w = workload();
    let c = child(dataDir);
    const applied = () => c.lines.filter((l) => l.event === 'status').at(-1)?.appliedSeq ?? 0;
    await until('slices applied', 20_000, () => (applied() ?? 0) >= 3);

    // The lease is held (and renewed) for the whole run: another workstation's cycle is refused, naming it.
    const other = bed.desk('other', { controlLease: { ttlMs: TTL, workstation: 'ws-other', identity: 'ws-other' } });
    await sleep(TTL);
    await expect(other.service.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'LEASE_HELD' });
    await other.close();

    // DC's primary dies while the tailer's cursor is open on it.
    const old = await dcPrimary();
    await bed.sandbox.fault({ action: 'kill', target: old });
    await until('a new DC primary', 20_000, async () => (await dcPrimary()) !== old);
    // DC is primary + secondary + arbiter: its majority needs the old primary back (it rejoins, rolling back
    // whatever it wrote that nobody replicated — which the tailer never put into a slice).
    await sleep(1_000);
    await bed.sandbox.fault({ action: 'revive', target: old });
    const afterFailover = applied() ?? 0;
    await until('slices applied after the failover', 30_000, () => (applied() ?? 0) >= afterFailover + 3);

    // The desk dies with a slice open (its partial archive is in the outbox), and starts again.
    const outbox = join(dataDir, 'backup', 'outbox');
    await until('an open slice', 10_000, () => existsSync(outbox) && readdirSync(outbox).some((f) => f.endsWith('.tmp')));
    c.proc.kill('SIGKILL');
    await exited(c.proc);
    const firstLines = c.lines;
    const beforeRestart = w.acked.size;
    c = child(dataDir);
    await until('slices applied after the restart', 30_000, () => w.acked.size > beforeRestart + 50 && (applied() ?? 0) > 0 && c.lines.some((l) => l.event === 'status' && l.live?.state === 'running'));
    await sleep(2_000);
    await w.stop();

    // DR catches up with every acknowledged write.
    const ns = 'soar.events';
    await until('DR holding every acknowledged event', 30_000, async () => {
      const ids = new Set((await bed.dr.db('soar').collection<{ _id: string }>('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      return [...w.acked].every((id) => ids.has(id));
    });
    const steady = [...firstLines, ...c.lines].filter((l) => l.event === 'status' && l.live?.basis === 'tailer' && l.live.seconds !== null).map((l) => l.live!.seconds!);
    c.proc.kill('SIGTERM');
    await exited(c.proc);

    const counts = await insertCounts(bed.dr, ns);
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice, 'inserted more than once on DR').toEqual([]);
    for (const id of w.acked) expect(counts.get(id), id).toBe(1);
    const dcIds = (await bed.dc.db('soar').collection<{ _id: string }>('events').find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    const drIds = (await bed.dr.db('soar').collection<{ _id: string }>('events').find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(drIds).toEqual(dcIds);

    const log = readFileSync(join(dataDir, 'backup', 'backup.log'), 'utf8');
    expect(log).toContain('"event":"tailer-resume"');
    expect(log).not.toContain('chain-broken');
    expect(steady.length).toBeGreaterThan(5);
    expect(Math.max(...steady.slice(-5))).toBeLessThan(15);
  }
}

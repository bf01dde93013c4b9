/**
 * Two workstations as real processes (two data directories, one topology), both with the schedule on, under
 * a majority-acknowledged workload for a stated time; halfway through the lease holder is SIGKILLed. Reports
 * which desk ran cycles when, whether any two cycles overlapped, how long the take-over took against the
 * lease's time to live, and DR's oplog insert entries per DC event (exactly once = every count is 1).
 * Run: npx tsx bench/backup/control-two-desks.ts [minutes=10] [interval-s=10] [ttl-s=15]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertCounts, startLocalBed } from '../../test/integration/control/local-bed';

const MINUTES = Number(process.argv[2] ?? 10);
const INTERVAL_MS = Number(process.argv[3] ?? 10) * 1000;
const TTL_MS = Number(process.argv[4] ?? 15) * 1000;
const childScript = fileURLToPath(new URL('../../test/integration/control/desk-child.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Line = { ws: string; id?: number; state?: string; startedAt?: string; finishedAt?: string; applied?: number; error?: string | null };

const bed = await startLocalBed();
const kids: ChildProcess[] = [];
try {
  const seed = bed.desk('seed', { controlLease: { ttlMs: TTL_MS, workstation: 'seed', identity: 'seed' } });
  const base = await seed.service.run('baseline', 'manual', true);
  if (base.error) throw new Error(`baseline: ${base.error.message}`);
  await seed.close();
  const lines: Line[] = [];
  const start = (ws: string) => {
    const p = spawn(process.execPath, ['--import', 'tsx', childScript], {
      env: { ...process.env, DRDESK_CHILD: JSON.stringify({ topology: bed.sandbox.topology, landing: bed.landing, dataDir: join(bed.dir, ws), workstation: ws, ttlMs: TTL_MS, intervalMs: INTERVAL_MS }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        try {
          lines.push(JSON.parse(buf.slice(0, i)) as Line);
        } catch {
          // not ours
        }
        buf = buf.slice(i + 1);
      }
    });
    kids.push(p);
    return p;
  };
  const a = start('desk-a');
  const b = start('desk-b');
  let on = true;
  let acked = 0;
  const events = bed.dc.db('soar').collection<{ _id: string }>('events', { writeConcern: { w: 'majority' } });
  const writer = (async () => {
    while (on) {
      await events.insertMany(Array.from({ length: 5 }, () => ({ _id: `ev-${acked++}` })));
      await sleep(100);
    }
  })();
  const t0 = Date.now();
  await sleep((MINUTES * 60_000) / 2);
  const lease = await bed.dr.db('drdesk').collection('lease').findOne({});
  const victim = lease?.holder.workstation === 'desk-a' ? a : b;
  const killedTerm = lease?.term as number;
  const lastBeat = (lease?.heartbeat as Date).getTime();
  victim.kill('SIGKILL');
  const killedAt = Date.now();
  let tookOver: Date | null = null;
  while (!tookOver) {
    const l = await bed.dr.db('drdesk').collection('lease').findOne({});
    if ((l?.term ?? 0) > killedTerm) tookOver = l!.since as Date;
    else await sleep(200);
  }
  await sleep(Math.max(0, MINUTES * 60_000 - (Date.now() - t0)));
  on = false;
  await writer;
  const dcCount = await bed.dc.db('soar').collection('events').countDocuments({});
  const catchUp = Date.now() + 5 * INTERVAL_MS + 60_000;
  while ((await bed.dr.db('soar').collection('events').countDocuments({})) < dcCount && Date.now() < catchUp) await sleep(500);
  const counts = await insertCounts(bed.dr, 'soar.events');
  const spans = lines.filter((l) => l.startedAt && l.finishedAt && l.state).map((l) => ({ ws: l.ws, from: Date.parse(l.startedAt!), to: Date.parse(l.finishedAt!), ok: l.state === 'ok' }));
  spans.sort((x, y) => x.from - y.from);
  let overlaps = 0;
  for (let i = 1; i < spans.length; i++) if (spans[i].ws !== spans[i - 1].ws && spans[i].from < spans[i - 1].to) overlaps++;
  const per = (ws: string) => spans.filter((s) => s.ws === ws);
  const victimName = victim === a ? 'desk-a' : 'desk-b';
  console.log(`${MINUTES} min, interval ${INTERVAL_MS / 1000} s, lease time to live ${TTL_MS / 1000} s, workload 50 majority-acknowledged inserts/s`);
  console.log(`cycles: desk-a ${per('desk-a').length} (${per('desk-a').filter((s) => s.ok).length} ok), desk-b ${per('desk-b').length} (${per('desk-b').filter((s) => s.ok).length} ok); overlapping cycles of the two desks: ${overlaps}`);
  console.log(`holder ${victimName} SIGKILLed at ${(killedAt - t0) / 1000} s; taken over ${((tookOver.getTime() - lastBeat) / 1000).toFixed(1)} s after its last heartbeat (${((tookOver.getTime() - killedAt) / 1000).toFixed(1)} s after the kill)`);
  console.log(`DC events ${dcCount}; on DR ${await bed.dr.db('soar').collection('events').countDocuments({})}; DR insert entries per event: max ${Math.max(...counts.values())}, events applied more than once ${[...counts.values()].filter((c) => c > 1).length}, missing ${dcCount - counts.size}`);
  console.log(`DR chain: ${JSON.stringify(await bed.dr.db('drdesk').collection('chain').findOne({}, { projection: { chainId: 1, term: 1, appliedSeq: 1 } }))}`);
  console.log(`loadavg: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGTERM');
  await sleep(3_000);
  for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
  await bed.close();
}

/**
 * Commands per second one sandbox member (dc-1, the primary) serves to the official driver over TCP.
 *   npx tsx bench/sandbox/throughput.ts [--runs 5] [--seconds 2] [--concurrency 32]
 * For each command, `runs` timed runs of `seconds` each; prints the median (and min–max) rate, issued one at
 * a time (latency-bound) and with `concurrency` operations in flight. The driver runs in the same process,
 * so the figures include its cost, as they would for the desk. Two references run in the same process:
 * a plain TCP echo round trip (what the machine allows at all) and an OP_MSG ping sent without the driver
 * (what the member costs without the driver's work).
 */
import { createServer, connect, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { serialize } from 'bson';
import { MongoClient, ObjectId } from 'mongodb';
import { startSandbox } from '../../src/main/sandbox';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '32' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const sb = await startSandbox({});
const dc1 = sb.description.sites[0].members[0].host;
const client = new MongoClient(`mongodb://${dc1}/?directConnection=true`, { maxPoolSize: concurrency + 4 });
await client.connect();
const db = client.db('bench');
const col = db.collection<{ _id: ObjectId; n: number; payload: string }>('items');
const ids = Array.from({ length: 1000 }, () => new ObjectId());
await col.insertMany(ids.map((_id, n) => ({ _id, n, payload: 'x'.repeat(100) })));
let k = 0;

const ops: Record<string, () => Promise<unknown>> = {
  hello: () => db.admin().command({ hello: 1 }),
  'find by _id': () => col.findOne({ _id: ids[k++ % ids.length] }),
  'insert (w:1)': () => col.insertOne({ _id: new ObjectId(), n: k++, payload: 'x'.repeat(100) }),
  'insert (w:"majority")': () => col.insertOne({ _id: new ObjectId(), n: k++, payload: 'x'.repeat(100) }, { writeConcern: { w: 'majority' } }),
};

async function timed(op: () => Promise<unknown>, inFlight: number): Promise<number> {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      await op();
      done++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Request/response over one socket: send, wait for `expect` bytes back. */
function roundTrips(socket: Socket, request: Uint8Array, expect: (buf: Buffer) => boolean): () => Promise<unknown> {
  return () =>
    new Promise<void>((resolve) => {
      let buf: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        if (expect(buf)) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.write(request);
    });
}

const echo = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
const echoSocket = connect((echo.address() as { port: number }).port, '127.0.0.1');
const ping = (() => {
  const body = serialize({ ping: 1, $db: 'admin' });
  const m: Buffer = Buffer.alloc(21 + body.length);
  m.writeInt32LE(m.length, 0);
  m.writeInt32LE(1, 4);
  m.writeInt32LE(2013, 12);
  Buffer.from(body).copy(m, 21);
  return m;
})();
const [h, p] = dc1.split(':');
const rawSocket = connect(Number(p), h);
await Promise.all([new Promise((r) => echoSocket.once('connect', r)), new Promise((r) => rawSocket.once('connect', r))]);
const references: Record<string, () => Promise<unknown>> = {
  'reference: TCP echo': roundTrips(echoSocket, Buffer.alloc(100, 1), (b) => b.length >= 100),
  'reference: raw OP_MSG ping': roundTrips(rawSocket, ping, (b) => b.length >= 4 && b.length >= b.readInt32LE(0)),
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(7);

console.log(`sandbox member dc-1 (${dc1}), driver mongodb 7 in the same process; ${runs} runs x ${seconds} s each, median (min-max) ops/s`);
console.log(`${'command'.padEnd(24)}${'1 in flight'.padStart(26)}${`${concurrency} in flight`.padStart(28)}`);
for (const [name, op] of Object.entries(references)) {
  const seq: number[] = [];
  for (let r = 0; r < runs; r++) seq.push(await timed(op, 1));
  console.log(`${name.padEnd(28)}${`${fmt(median(seq))} (${fmt(Math.min(...seq)).trim()}-${fmt(Math.max(...seq)).trim()})`.padStart(22)}`);
}
for (const [name, op] of Object.entries(ops)) {
  await timed(op, 1);
  const seq: number[] = [];
  const par: number[] = [];
  for (let r = 0; r < runs; r++) {
    seq.push(await timed(op, 1));
    par.push(await timed(op, concurrency));
  }
  const cell = (xs: number[]): string => `${fmt(median(xs))} (${fmt(Math.min(...xs)).trim()}-${fmt(Math.max(...xs)).trim()})`;
  console.log(`${name.padEnd(24)}${cell(seq).padStart(26)}${cell(par).padStart(28)}`);
}
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
echoSocket.destroy();
rawSocket.destroy();
echo.close();
await client.close();
await sb.stop();

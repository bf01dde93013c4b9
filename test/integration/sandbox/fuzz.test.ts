import { connect, type Socket } from 'node:net';
import { serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/main/sandbox';
import { directUri, memberHost, setUri, withClient, withSandbox } from './helpers';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(opCode: number, body: Buffer, lengthOverride?: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(lengthOverride ?? 16 + body.length, 0);
  h.writeInt32LE(1, 4);
  h.writeInt32LE(opCode, 12);
  return Buffer.concat([h, body]);
}

function opMsg(doc: object, flags = 0): Buffer {
  const f = Buffer.alloc(5);
  f.writeUInt32LE(flags, 0);
  return message(2013, Buffer.concat([f, serialize(doc)]));
}

/** One hostile message, and whether the server is expected to answer it on the same connection. */
function hostile(rnd: () => number): { bytes: Buffer; answered: boolean } {
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const good = opMsg({ find: 'events', filter: { a: 1 }, $db: 'soar' });
  switch (Math.floor(rnd() * 9)) {
    case 0:
      return { bytes: bytes(1 + Math.floor(rnd() * 200)), answered: false };
    case 1:
      return { bytes: good.subarray(0, Math.floor(rnd() * good.length)), answered: false };
    case 2:
      return { bytes: message(2013, bytes(8), 64 * 1024 * 1024), answered: false };
    case 3:
      return { bytes: message([1, 2001, 2002, 2004 + 1, 2012, 9999, -1][Math.floor(rnd() * 7)], bytes(20)), answered: false };
    case 4:
      return { bytes: message(2013, bytes(Math.floor(rnd() * 64))), answered: true };
    case 5: {
      const m = Buffer.from(good);
      for (let i = 0; i < 3; i++) m[21 + Math.floor(rnd() * (m.length - 21))] = Math.floor(rnd() * 256);
      return { bytes: m, answered: true };
    }
    case 6:
      return { bytes: message(2004, bytes(Math.floor(rnd() * 64))), answered: true };
    case 7: {
      const cmds = [{ bogus: 1 }, { find: 5 }, { insert: 'x', documents: 'no' }, { getMore: 'x' }, { aggregate: 'x', pipeline: [{ $out: 'y' }] }, { update: 'x', updates: [{ q: { $where: 1 }, u: {} }] }, { applyOps: 1 }, { replSetReconfig: 'x' }, {}];
      return { bytes: opMsg({ ...cmds[Math.floor(rnd() * cmds.length)], $db: 'soar' }), answered: true };
    }
    default:
      return { bytes: opMsg({ ping: 1, $db: 'admin' }, 1 << (2 + Math.floor(rnd() * 10))), answered: true };
  }
}

function open(host: string): Promise<Socket> {
  const [h, p] = host.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host: h, port: Number(p) }, () => {
      s.off('error', reject);
      // Writes after the server hung up fail with EPIPE/ECONNRESET: expected here.
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Sends one message; waits for a reply or for the server to close (or a short grace period). */
function deliver(s: Socket, bytes: Buffer, endAfter: boolean): Promise<'reply' | 'closed' | 'quiet'> {
  return new Promise((resolve) => {
    const done = (r: 'reply' | 'closed' | 'quiet'): void => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      resolve(r);
    };
    const onData = (): void => done('reply');
    const onClose = (): void => done('closed');
    const timer = setTimeout(() => done('quiet'), 2000);
    s.on('data', onData);
    s.once('close', onClose);
    s.write(bytes);
    if (endAfter) s.end();
  });
}

describe('hostile wire input', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('10,000 random, truncated, oversized and unknown-opcode messages: the member stays up and a good client still works', async () => {
    const host = memberHost(sb, 'dc-1');
    const rnd = prng(20261123);
    const plan = Array.from({ length: 10_000 }, () => hostile(rnd));
    const outcomes = { reply: 0, closed: 0, quiet: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      let shared: Socket | null = null;
      while (next < plan.length) {
        const m = plan[next++];
        if (m.answered) {
          if (!shared || shared.destroyed) shared = await open(host);
          const r = await deliver(shared, m.bytes, false);
          outcomes[r]++;
          // A reply arrives whole or in pieces; drop the connection after anything unexpected.
          if (r !== 'reply') shared.destroy();
          else shared.removeAllListeners('data');
        } else {
          const s = await open(host);
          outcomes[await deliver(s, m.bytes, true)]++;
          s.destroy();
        }
      }
      shared?.destroy();
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(outcomes.reply + outcomes.closed).toBe(10_000);
    expect(outcomes.reply).toBeGreaterThan(3000);
    expect(outcomes.closed).toBeGreaterThan(2000);

    await withClient(directUri(sb, 'dc-1'), async (c) => {
      await c.db('soar').collection('events').insertOne({ after: 'fuzz' });
      expect(await c.db('soar').collection('events').countDocuments({ after: 'fuzz' })).toBe(1);
    });
    await withClient(setUri(sb), async (c) => {
      expect((await c.db('admin').command({ hello: 1 })).isWritablePrimary).toBe(true);
    });
    expect(sb.state().members.find((m) => m.name === 'dc-1')).toMatchObject({ alive: true, stateStr: 'PRIMARY' });
  });
});

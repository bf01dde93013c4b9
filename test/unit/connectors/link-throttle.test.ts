import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DelayLine, Pacer, startThrottledLink, type Clock } from '../../../src/main/connectors/link-throttle';

/** A clock the test moves by hand: timers fire only when `advance` passes their due time. */
function manualClock() {
  let t = 0;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const clock: Clock = {
    now: () => t,
    setTimer: (fn, ms) => {
      const timer = { at: t + ms, fn, live: true };
      timers.push(timer);
      return () => void (timer.live = false);
    },
  };
  const advance = (ms: number) => {
    const until = t + ms;
    for (;;) {
      const due = timers.filter((x) => x.live && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      t = Math.max(t, due.at);
      due.live = false;
      timers = timers.filter((x) => x.live);
      due.fn();
    }
    t = until;
  };
  return { clock, advance };
}

function sinkCollect() {
  const got: Buffer[] = [];
  return { got, sink: { write: (b: Buffer) => (got.push(Buffer.from(b)), true), onDrain: () => undefined }, bytes: () => got.reduce((n, b) => n + b.length, 0) };
}

describe('Pacer', () => {
  it('adds serialization time at the capped rate, then the latency', () => {
    const p = new Pacer({ bytesPerSecond: 1000, latencyMs: 50 });
    expect(p.schedule(1000, 0)).toBe(1050); // 1 s on the wire + 50 ms
    expect(p.schedule(500, 0)).toBe(1550); // queued behind the first: starts at 1000
    expect(p.schedule(100, 5000)).toBe(5150); // the link was idle: starts now
  });

  it('never schedules a later chunk before an earlier one', () => {
    const p = new Pacer({ bytesPerSecond: 123_456, latencyMs: 7 });
    let last = -Infinity;
    let now = 0;
    for (let i = 0; i < 1000; i++) {
      now += (i * 7919) % 13;
      const at = p.schedule(1 + ((i * 104729) % 70_000), now);
      expect(at).toBeGreaterThanOrEqual(last);
      expect(at).toBeGreaterThanOrEqual(now + 7);
      last = at;
    }
  });

  it('refuses a shape that cannot pace', () => {
    expect(() => new Pacer({ bytesPerSecond: 0, latencyMs: 1 })).toThrow(/positive/);
    expect(() => new Pacer({ bytesPerSecond: Number.NaN, latencyMs: 1 })).toThrow(/positive/);
    expect(() => new Pacer({ bytesPerSecond: 10, latencyMs: -1 })).toThrow(/zero or more/);
  });
});

describe('DelayLine', () => {
  it('delivers nothing before the latency, then the bytes in order at no more than the rate', () => {
    const { clock, advance } = manualClock();
    const out = sinkCollect();
    const line = new DelayLine(new Pacer({ bytesPerSecond: 100_000, latencyMs: 50 }), out.sink, { maxQueued: 1 << 30, onFull: () => undefined, onRoom: () => undefined, clock });
    const data = randomBytes(100_000); // one second of link time
    line.push(data);
    advance(49);
    expect(out.bytes()).toBe(0); // even the first piece needs 16 KiB / 100 kB/s + 50 ms
    advance(200); // t = 249 ms: at most 199 ms of serialization has arrived
    expect(out.bytes()).toBeGreaterThan(0);
    expect(out.bytes()).toBeLessThanOrEqual(100_000 * 0.199 + 1);
    advance(1000);
    expect(Buffer.concat(out.got).equals(data)).toBe(true);
  });

  it('asks the source to pause above the bound and to resume once half has drained', () => {
    const { clock, advance } = manualClock();
    const out = sinkCollect();
    const events: string[] = [];
    const line = new DelayLine(new Pacer({ bytesPerSecond: 1_000_000, latencyMs: 10 }), out.sink, { maxQueued: 64 * 1024, onFull: () => events.push('full'), onRoom: () => events.push('room'), clock });
    line.push(randomBytes(32 * 1024));
    expect(events).toEqual([]);
    line.push(randomBytes(64 * 1024));
    expect(events).toEqual(['full']);
    expect(line.queuedBytes).toBe(96 * 1024);
    advance(1000);
    expect(events).toEqual(['full', 'room']);
    expect(line.queuedBytes).toBe(0);
  });

  it('holds delivery while the sink is full and resumes on drain, losing nothing', () => {
    const { clock, advance } = manualClock();
    const got: Buffer[] = [];
    let drain: (() => void) | null = null;
    let accept = false;
    const sink = { write: (b: Buffer) => (got.push(Buffer.from(b)), accept), onDrain: (fn: () => void) => (drain = fn) };
    const line = new DelayLine(new Pacer({ bytesPerSecond: 10_000_000, latencyMs: 1 }), sink, { maxQueued: 1 << 30, onFull: () => undefined, onRoom: () => undefined, clock });
    const data = randomBytes(100_000);
    line.push(data);
    advance(100);
    expect(got.length).toBe(1); // the first write said "full": nothing more until drain
    accept = true;
    drain!();
    advance(100);
    expect(Buffer.concat(got).equals(data)).toBe(true);
  });

  it('ends the far side only after everything queued was delivered', () => {
    const { clock, advance } = manualClock();
    const out = sinkCollect();
    let ended = -1;
    const line = new DelayLine(new Pacer({ bytesPerSecond: 1000, latencyMs: 0 }), out.sink, { maxQueued: 1 << 30, onFull: () => undefined, onRoom: () => undefined, onEnd: () => (ended = out.bytes()), clock });
    line.push(Buffer.alloc(2000, 1));
    line.end();
    advance(1500);
    expect(ended).toBe(-1);
    advance(1000);
    expect(ended).toBe(2000);
  });
});

describe('startThrottledLink', () => {
  it('refuses a target off this machine', async () => {
    await expect(startThrottledLink({ host: '10.1.2.3', port: 22 }, { up: { bytesPerSecond: 1, latencyMs: 0 }, down: { bytesPerSecond: 1, latencyMs: 0 } })).rejects.toMatchObject({ code: 'THROTTLE_NOT_LOOPBACK' });
  });

  it('carries bytes both ways unchanged (sha256) through a real loopback echo server', async () => {
    const echo: Server = createServer({ allowHalfOpen: true }, (s) => {
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const port = (echo.address() as { port: number }).port;
    const shape = { bytesPerSecond: 64 * 1024 * 1024, latencyMs: 5 };
    const link = await startThrottledLink({ host: '127.0.0.1', port }, { up: shape, down: shape });
    try {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const back = await new Promise<Buffer>((resolve, reject) => {
        const c = connect({ host: link.host, port: link.port, allowHalfOpen: true });
        const got: Buffer[] = [];
        c.on('data', (d: Buffer) => got.push(d));
        c.on('end', () => resolve(Buffer.concat(got)));
        c.on('error', reject);
        // Uneven writes, so pieces are split and re-paced at arbitrary boundaries.
        for (let o = 0; o < data.length; ) {
          const n = Math.min(data.length - o, 1 + ((o * 31) % 90_000));
          c.write(data.subarray(o, o + n));
          o += n;
        }
        c.end();
      });
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(back.length).toBe(data.length);
      expect(sha(back)).toBe(sha(data));
      expect(link.stats()).toMatchObject({ up: data.length, down: data.length, connections: 1 });
    } finally {
      await link.close();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });
});

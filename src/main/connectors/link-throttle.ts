import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DeskError } from '../../shared/errors';

/**
 * An in-process stand-in for a real WAN link between DR Desk and a landing host: a TCP proxy on loopback
 * that paces each direction to a bandwidth cap and delays every byte by a one-way latency. tc/netem needs
 * privileges the sandbox does not have; this needs none, and the same proxy serves ssh2 and OpenSSH's scp
 * (point either at the proxy's port), so both are measured through the same link.
 */
export interface LinkShape {
  /** Bandwidth cap of this direction, bytes per second. */
  bytesPerSecond: number;
  /** Added one-way latency, milliseconds. */
  latencyMs: number;
}

/**
 * Serialization plus propagation, one direction: a chunk starts when the link is free (or now), occupies it
 * len / rate seconds, and arrives `latencyMs` after its last byte left.
 */
export class Pacer {
  private busyUntil = 0;

  constructor(readonly shape: LinkShape) {
    if (!(shape.bytesPerSecond > 0) || !Number.isFinite(shape.bytesPerSecond))
      throw new DeskError('THROTTLE_BAD_SHAPE', `A link's bandwidth must be a positive number of bytes per second, not ${shape.bytesPerSecond}.`);
    if (!(shape.latencyMs >= 0) || !Number.isFinite(shape.latencyMs))
      throw new DeskError('THROTTLE_BAD_SHAPE', `A link's latency must be zero or more milliseconds, not ${shape.latencyMs}.`);
  }

  /** Arrival time (ms, same clock as `now`) of `len` bytes offered at `now`. Non-decreasing: order is kept. */
  schedule(len: number, now: number): number {
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + (len * 1000) / this.shape.bytesPerSecond;
    return this.busyUntil + this.shape.latencyMs;
  }
}

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Pieces no larger than this are paced one by one, so a 64 KiB socket read does not arrive as one burst. */
const PIECE = 16 * 1024;

export interface Sink {
  /** false = the sink is full; call `onDrain` before writing more. */
  write(buf: Buffer): boolean;
  onDrain(fn: () => void): void;
}

/**
 * One direction of the link: bytes pushed in come out of `sink` in the same order, each no earlier than
 * its paced arrival time. The queue is bounded: above `maxQueued` bytes `onFull` asks the source to pause,
 * and `onRoom` resumes it once half has drained, so a fast sender is held back by TCP, not by memory.
 */
export class DelayLine {
  private readonly queue: Array<{ buf: Buffer; at: number }> = [];
  private head = 0;
  private queued = 0;
  private cancelTimer: (() => void) | null = null;
  private blocked = false;
  private full = false;
  private ending = false;
  delivered = 0;

  constructor(
    private readonly pacer: Pacer,
    private readonly sink: Sink,
    private readonly opts: { maxQueued: number; onFull: () => void; onRoom: () => void; onEnd?: () => void; clock?: Clock },
  ) {}

  private get clock(): Clock {
    return this.opts.clock ?? realClock;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  push(data: Buffer): void {
    const now = this.clock.now();
    for (let o = 0; o < data.length; o += PIECE) {
      const buf = data.subarray(o, Math.min(data.length, o + PIECE));
      this.queue.push({ buf, at: this.pacer.schedule(buf.length, now) });
      this.queued += buf.length;
    }
    if (!this.full && this.queued > this.opts.maxQueued) {
      this.full = true;
      this.opts.onFull();
    }
    this.arm();
  }

  /** The source ended: finish delivering what is queued, then call onEnd. */
  end(): void {
    this.ending = true;
    this.arm();
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.queue.length = 0;
    this.head = 0;
    this.queued = 0;
  }

  private arm(): void {
    if (this.cancelTimer || this.blocked) return;
    if (this.head >= this.queue.length) {
      if (this.ending) {
        this.ending = false;
        this.opts.onEnd?.();
      }
      return;
    }
    const wait = Math.max(0, this.queue[this.head].at - this.clock.now());
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const now = this.clock.now();
    while (this.head < this.queue.length && this.queue[this.head].at <= now) {
      const { buf } = this.queue[this.head++];
      this.queued -= buf.length;
      this.delivered += buf.length;
      if (!this.sink.write(buf)) {
        this.blocked = true;
        this.sink.onDrain(() => {
          this.blocked = false;
          this.arm();
        });
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.full && this.queued <= this.opts.maxQueued / 2) {
      this.full = false;
      this.opts.onRoom();
    }
    this.arm();
  }
}

export interface ThrottledLink {
  host: string;
  port: number;
  /** Bytes delivered client→server and server→client over all connections so far. */
  stats(): { up: number; down: number; connections: number };
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Starts a throttling proxy on 127.0.0.1 (ephemeral port) in front of `target`, which must be on loopback:
 * this is a benchmark and test instrument, never a path to another machine.
 */
export async function startThrottledLink(target: { host: string; port: number }, shape: { up: LinkShape; down: LinkShape }): Promise<ThrottledLink> {
  if (!isLoopback(target.host))
    throw new DeskError('THROTTLE_NOT_LOOPBACK', `The link throttle only fronts a server on this machine (127.0.0.1 or ::1), not ${target.host}: it is a benchmark and test instrument.`);
  // Validate both shapes before listening.
  new Pacer(shape.up);
  new Pacer(shape.down);
  const sockets = new Set<Socket>();
  const totals = { up: 0, down: 0, connections: 0 };
  const bound = (s: LinkShape) => Math.ceil(2 * s.bytesPerSecond * (s.latencyMs / 1000)) + (1 << 20);

  const wire = (from: Socket, to: Socket, s: LinkShape, count: (n: number) => void) => {
    const line = new DelayLine(
      new Pacer(s),
      { write: (b) => (count(b.length), to.write(b)), onDrain: (fn) => to.once('drain', fn) },
      { maxQueued: bound(s), onFull: () => from.pause(), onRoom: () => from.resume(), onEnd: () => to.end() },
    );
    from.on('data', (d: Buffer) => line.push(d));
    from.on('end', () => line.end());
    return line;
  };

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    totals.connections++;
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const upLine = wire(client, upstream, shape.up, (n) => (totals.up += n));
    const downLine = wire(upstream, client, shape.down, (n) => (totals.down += n));
    const teardown = () => {
      upLine.stop();
      downLine.stop();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    host: '127.0.0.1',
    port,
    stats: () => ({ ...totals }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}

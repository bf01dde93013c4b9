import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { MongoClient } from 'mongodb';
import type { BackupProgress, CycleRecord, LiveRpoView } from '../../../shared/api/backup';
import { DeskError } from '../../../shared/errors';
import type { LeaseSession } from '../../control/lease-session';
import type { BackupLog } from '../backup-log';
import type { BackupStore, SliceRow } from '../backup-store';
import type { Landing } from '../landing';
import { serverVersion } from '../../connectors/mongo-endpoints';
import { compareTs, tsToText } from '../../connectors/oplog-ts';
import { DC_CLOCK_OFFSET_SETTING, type BackupPipeline, type RunContext } from '../pipeline';
import { ProgressTracker } from '../progress';
import { checkAborted } from '../scheduler';
import { liveRpoView, RpoWindow } from './live-rpo';
import { OpenSlice } from './slicer';
import { OplogTailer, type TailEntry } from './tailer';
import { DEFAULT_SLICE_MIB, DEFAULT_SLICE_SECONDS } from './defaults';

/**
 * Continuous mode: three stages that run at the same time over queues kept in SQLite — the capture tails
 * DC's oplog and closes a slice every `sliceSeconds` or `sliceMiB`; the shipper sends every closed slice
 * over one landing connection kept open for the whole run; the applier applies every verified slice in
 * order through the same exactly-once apply as the interval cycle (DR's position recorded per batch, in
 * the batch's own applyOps). The queue between capture and apply is bounded (`maxQueuedSlices`): past it
 * the capture grows its open slice up to the size limit, then stops reading until the applier catches up
 * (DC's oplog keeps the entries). The lease on DR is held and renewed for the whole run; any failure ends
 * the run's segment (recorded as a failed cycle) and a new one resumes from the recorded positions.
 */
export interface ContinuousOptions {
  /** Close a slice this many seconds after its first entry (default 5). */
  sliceSeconds?: number;
  /** …or once it holds this many MiB of oplog (uncompressed; default 16). */
  sliceMiB?: number;
  /** Slices captured but not applied before the capture waits (default 24). */
  maxQueuedSlices?: number;
  /** How long one await on DC's oplog waits for new entries (ms, default 1000). */
  awaitMs?: number;
  /** First wait before a failed segment is resumed (ms, default 1000; doubles up to 30 s). */
  retryMs?: number;
  /** Window of the live RPO's p50/p95 (ms, default 15 min). */
  rpoWindowMs?: number;
  /** How often old slices' files are pruned (ms, default 30 s). */
  retentionEveryMs?: number;
  /** How long the tailer may fail to reach DC before the segment fails (ms, default 60 s). */
  tailerGiveUpMs?: number;
}

export interface ContinuousDeps {
  pipeline: BackupPipeline;
  store: BackupStore;
  log: BackupLog;
  /** The lease on the target for the whole run (null when the service runs without one). */
  openLease: () => Promise<LeaseSession | null>;
  targetSeconds: number;
  trigger: CycleRecord['trigger'];
  options?: ContinuousOptions;
  gzipLevel?: number;
  onProgress?: (p: BackupProgress) => void;
  /** Something the status shows changed (a slice captured, shipped or applied, a state change). */
  onChange?: () => void;
}

/** What a stage waits on: woken by another stage, by its timeout, or by the abort. */
class Wakeup {
  private waiters: Array<() => void> = [];
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }
}

const LOCK_TTL_MS = 60_000;
const HELLO_EVERY_MS = 200;

/** Failures a new segment cannot fix by itself: the run waits for the operator (a baseline) and looks again slowly. */
const NEEDS_OPERATOR = new Set(['BACKUP_CHAIN_BROKEN', 'BACKUP_NEEDS_BASELINE', 'OPLOG_ROLLED', 'CHAIN_FOREIGN', 'CHAIN_DOC_DAMAGED', 'BACKUP_ROUTE_ACTIVATED']);

export function stoppedError(): DeskError {
  return new DeskError('CONTINUOUS_STOPPED', 'Continuous backup was stopped.');
}

export class ContinuousRunner {
  private readonly owner = `continuous pid ${process.pid} on ${hostname()} (${randomBytes(3).toString('hex')})`;
  private readonly stopCtrl = new AbortController();
  private loop: Promise<void> | null = null;
  private state: LiveRpoView['state'] = 'stopped';
  private readonly window: RpoWindow;
  private sampler: NodeJS.Timeout | null = null;
  private readonly shipWake = new Wakeup();
  private readonly applyWake = new Wakeup();
  private readonly captureWake = new Wakeup();
  /** DC's clock minus this process's (ms), measured at every hello. */
  private dcOffset: number;
  private dcNewestWrite: number | null = null;
  private tailerContact: number | null = null;
  private lastOffsetWrite = 0;
  lastError: { code: string; message: string; at: string } | null = null;
  /** Counters for tests and the bench: slices closed, entries read, segments started. */
  readonly counters = { slices: 0, entries: 0, segments: 0, tailerResumes: 0 };

  constructor(private readonly d: ContinuousDeps) {
    this.window = new RpoWindow(d.options?.rpoWindowMs ?? 15 * 60_000);
    this.dcOffset = Number(d.store.setting(DC_CLOCK_OFFSET_SETTING) ?? 0);
  }

  get active(): boolean {
    return this.loop !== null;
  }

  private get o(): Required<ContinuousOptions> {
    const o = this.d.options ?? {};
    return {
      sliceSeconds: o.sliceSeconds ?? DEFAULT_SLICE_SECONDS,
      sliceMiB: o.sliceMiB ?? DEFAULT_SLICE_MIB,
      maxQueuedSlices: o.maxQueuedSlices ?? 24,
      awaitMs: o.awaitMs ?? 1000,
      retryMs: o.retryMs ?? 1000,
      rpoWindowMs: o.rpoWindowMs ?? 15 * 60_000,
      retentionEveryMs: o.retentionEveryMs ?? 30_000,
      tailerGiveUpMs: o.tailerGiveUpMs ?? 60_000,
    };
  }

  private dcNow(): number {
    return this.d.pipeline.clock() + this.dcOffset;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.supervise().finally(() => (this.loop = null));
    this.sampler = setInterval(() => this.window.add(this.dcNow(), this.live().seconds), 1000);
    this.sampler.unref();
  }

  /** Stops every stage at its next safe point (the open slice is dropped; its entries are read again on resume). */
  async stop(): Promise<void> {
    if (!this.stopCtrl.signal.aborted) this.stopCtrl.abort(stoppedError());
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    await this.loop;
    this.state = 'stopped';
  }

  /** The live RPO as the status shows it. */
  live(): LiveRpoView {
    const chain = this.d.store.currentChain() ?? this.d.store.lastAppliedChain();
    return liveRpoView({
      dcNow: this.dcNow(),
      dcNewestWrite: this.dcNewestWrite,
      drNewestApplied: chain?.appliedWall ?? null,
      tailerContact: this.tailerContact,
      staleAfterMs: 3 * this.o.awaitMs + 2_000,
      targetSeconds: this.d.targetSeconds,
      window: this.window,
      state: this.state,
    });
  }

  private setState(s: LiveRpoView['state']): void {
    if (this.state === s) return;
    this.state = s;
    this.d.onChange?.();
  }

  private async supervise(): Promise<void> {
    let delay = this.o.retryMs;
    const stop = this.stopCtrl.signal;
    while (!stop.aborted) {
      const started = Date.now();
      try {
        await this.segment();
      } catch (err) {
        const e = err as DeskError;
        if (stop.aborted) break;
        this.lastError = { code: e.code ?? 'CONTINUOUS_FAILED', message: e.message, at: new Date().toISOString() };
        const waiting = e.code === 'LEASE_HELD';
        this.setState(waiting ? 'waiting' : 'retrying');
        this.d.log.write({ event: 'continuous-segment-failed', code: e.code, message: e.message });
        // A segment that ran a while before failing starts the back-off again.
        if (Date.now() - started > 60_000) delay = this.o.retryMs;
        const wait = waiting || NEEDS_OPERATOR.has(e.code) ? 30_000 : delay;
        delay = Math.min(30_000, delay * 2);
        await new Wakeup().wait(wait, stop);
      }
    }
  }

  /** One run under one lease and one cycle record, until stopped or a stage fails. */
  private async segment(): Promise<void> {
    const { store, pipeline, log } = this.d;
    const lock = store.acquireLock(this.owner, 'continuous', LOCK_TTL_MS);
    if (!lock.ok) throw new DeskError('BACKUP_BUSY', `Another DR Desk process (${lock.owner}) is running a backup ${lock.label} on this data directory: continuous mode waits for it.`);
    let session: LeaseSession | null = null;
    try {
      session = await this.d.openLease();
    } catch (err) {
      store.releaseLock(this.owner);
      throw err;
    }
    this.counters.segments++;
    const segCtrl = new AbortController();
    const signal = AbortSignal.any([this.stopCtrl.signal, segCtrl.signal, ...(session ? [session.signal] : [])]);
    const rec = store.startCycle('cycle', this.d.trigger, new Date(Date.now() + 365 * 86_400_000));
    log.write({ event: 'continuous-started', cycle: rec.id, sliceSeconds: this.o.sliceSeconds, sliceMiB: this.o.sliceMiB });
    const renew = setInterval(() => store.acquireLock(this.owner, 'continuous', LOCK_TTL_MS), LOCK_TTL_MS / 3);
    const progress = new ProgressTracker({ cycleId: rec.id, kind: 'cycle' }, (p) => this.d.onProgress?.(p), 1000);
    const held = session;
    const ctx: RunContext = { cycleId: rec.id, progress, signal, control: held ? { chain: held.chain(), lease: () => held.held, by: held.holderName } : undefined };
    // The first stage to fail ends the segment; the others stop at their next safe point.
    const fail = (err: unknown) => {
      if (!segCtrl.signal.aborted) segCtrl.abort(err);
      throw err;
    };
    try {
      await pipeline.adoptTargetChain(ctx);
      pipeline.usableChain();
      this.setState('running');
      const results = await Promise.allSettled([this.capture(ctx).catch(fail), this.shipper(ctx).catch(fail), this.applier(ctx).catch(fail)]);
      const reason = signal.reason as DeskError | undefined;
      const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as DeskError | undefined;
      const cause = (segCtrl.signal.aborted ? (segCtrl.signal.reason as DeskError) : null) ?? reason ?? first;
      if (cause && cause.code !== 'CONTINUOUS_STOPPED') throw cause;
      store.finishCycle(rec.id, 'ok', null);
      log.write({ event: 'continuous-stopped', cycle: rec.id });
    } catch (err) {
      const e = err as DeskError;
      store.finishCycle(rec.id, 'failed', { code: e.code ?? 'CONTINUOUS_FAILED', message: e.message });
      throw err;
    } finally {
      clearInterval(renew);
      await session?.close();
      store.releaseLock(this.owner);
      this.d.onChange?.();
    }
  }

  /** Slices captured but not yet applied. */
  private queued(): number {
    const chain = this.d.store.currentChain();
    if (!chain) return 0;
    return (chain.capturedSeq ?? 0) - (chain.appliedSeq ?? 0);
  }

  private async hello(dc: MongoClient): Promise<{ majority: string | null; at: Date }> {
    const sentAt = this.d.pipeline.clock();
    const h = await dc.db('admin').command({ hello: 1 });
    const at = h.localTime instanceof Date ? h.localTime : new Date(this.dcNow());
    // Half the round trip is the best estimate of when DC read its clock.
    this.dcOffset = Math.round(at.getTime() - (sentAt + this.d.pipeline.clock()) / 2);
    if (Date.now() - this.lastOffsetWrite > 10_000) {
      this.lastOffsetWrite = Date.now();
      this.d.store.setSetting(DC_CLOCK_OFFSET_SETTING, String(this.dcOffset));
    }
    const m = h.lastWrite?.majorityOpTime?.ts;
    return { majority: m ? tsToText(m) : null, at };
  }

  private async capture(ctx: RunContext): Promise<void> {
    const { pipeline, store } = this.d;
    const signal = ctx.signal as AbortSignal;
    const limits = { maxMs: this.o.sliceSeconds * 1000, maxRawBytes: this.o.sliceMiB * 1024 * 1024 };
    let dc = await pipeline.connectSource();
    let open: OpenSlice | null = null;
    let tailer: OplogTailer | null = null;
    try {
      const dcVersion = await serverVersion(dc);
      const startChain = pipeline.usableChain();
      const newOpen = () => {
        const chain = pipeline.usableChain();
        if (chain.chainId !== startChain.chainId) throw new DeskError('CONTINUOUS_CHAIN_CHANGED', `The chain changed under continuous mode (now ${chain.chainId}): the run restarts on it.`);
        return new OpenSlice(chain, store.slices(chain.chainId).at(-1) as SliceRow, pipeline.outbox, dcVersion, this.d.gzipLevel);
      };
      open = newOpen();
      /** Read but not yet committed by DC's majority: never written into a slice, dropped on a reconnect. */
      let pending: TailEntry[] = [];
      let majority: { ts: string | null; at: Date } = { ts: null, at: new Date(0) };
      let lastHello = 0;
      /** DC time at which every majority-acknowledged write was known to be read (headCheckedAt). */
      let completeAt: Date | null = null;
      let failingSince: number | null = null;
      let lastIdle = 0;
      let caughtUp = false;
      while (!signal.aborted) {
        const now = Date.now();
        if (open.rawBytes >= limits.maxRawBytes && this.queued() >= this.o.maxQueuedSlices) {
          // The queue is full and the open slice at its size limit: stop reading until the applier catches up.
          await this.captureWake.wait(1000, signal);
          continue;
        }
        let e: TailEntry | null = null;
        try {
          tailer ??= new OplogTailer(dc, open.position, { awaitMs: Math.min(this.o.awaitMs, limits.maxMs / 2) });
          e = await tailer.next();
          if (now - lastHello >= HELLO_EVERY_MS || (e === null && pending.length)) {
            const h = await this.hello(dc);
            lastHello = Date.now();
            majority = { ts: h.majority, at: h.at };
            if (h.majority && compareTs(tailer.lastRead, h.majority) >= 0) completeAt = h.at;
          }
          failingSince = null;
        } catch (err) {
          if ((err as DeskError).code === 'OPLOG_ROLLED') {
            store.breakChain(startChain.chainId, 'OPLOG_ROLLED', (err as Error).message);
            this.d.log.write({ event: 'chain-broken', code: 'OPLOG_ROLLED', message: (err as Error).message });
            throw err;
          }
          // A failover or a dropped connection: resume from the recorded position (the open slice's last entry).
          failingSince ??= Date.now();
          if (Date.now() - failingSince > this.o.tailerGiveUpMs) throw err;
          await tailer?.close();
          tailer = null;
          pending = [];
          // A new client: the old one's pool may still point at a member that is gone.
          await dc.close(true).catch(() => undefined);
          dc = await pipeline.connectSource().catch((e: unknown) => {
            if (Date.now() - (failingSince ?? Date.now()) > this.o.tailerGiveUpMs) throw e;
            return dc;
          });
          this.counters.tailerResumes++;
          this.d.log.write({ event: 'tailer-resume', from: open.position, code: (err as DeskError).code, message: (err as Error).message });
          await new Wakeup().wait(500, signal);
          continue;
        }
        this.tailerContact = this.dcNow();
        caughtUp = e === null;
        if (e) {
          this.counters.entries++;
          pending.push(e);
          if (e.user && e.wall) this.dcNewestWrite = Math.max(this.dcNewestWrite ?? 0, e.wall.getTime());
        }
        // Entries DC's majority committed go into the open slice (in order); the rest wait in memory.
        if (majority.ts && pending.length) {
          let n = 0;
          while (n < pending.length && compareTs(tsToText(pending[n].ts), majority.ts) <= 0) n++;
          for (const p of pending.slice(0, n)) if (!p.control) await open.append(p, Date.now());
          pending = n === pending.length ? [] : pending.slice(n);
        }
        if (open.due(Date.now(), limits) && (this.queued() < this.o.maxQueuedSlices || open.rawBytes >= limits.maxRawBytes)) {
          checkAborted(signal);
          const m = await open.close(store, completeAt);
          this.counters.slices++;
          store.countCycle(ctx.cycleId, 'captured');
          this.d.log.write({ event: 'captured', chainId: m.chainId, seq: m.seq, count: m.count, bytes: m.bytes, toTs: m.toTs, mode: 'continuous' });
          open = newOpen();
          // The tailer carries on from where it is: the new slice starts at the closed one's end.
          this.shipWake.notify();
          this.d.onChange?.();
        } else if (caughtUp && !pending.length && open.entries === 0 && Date.now() - lastIdle > 1000 && majority.at.getTime() > 0) {
          // Nothing new on DC: DR is complete up to now once the queue drains (the interval RPO's idle check).
          lastIdle = Date.now();
          store.setIdleChecked(open.chainId, majority.at.getTime());
        }
      }
      checkAborted(signal);
    } finally {
      await tailer?.close();
      await open?.discard();
      await dc.close(true).catch(() => undefined);
    }
  }

  private hasUnshipped(): boolean {
    const chain = this.d.store.currentChain();
    return !!chain && this.d.store.slices(chain.chainId).some((s) => s.seq > (chain.appliedSeq ?? -1) && s.state !== 'verified');
  }

  private async shipper(ctx: RunContext): Promise<void> {
    const signal = ctx.signal as AbortSignal;
    const landing = this.d.pipeline.landing();
    try {
      while (!signal.aborted) {
        if (this.hasUnshipped()) {
          // Every closed slice waiting goes in one pass over the one connection kept for the run.
          await this.d.pipeline.ship(ctx, landing);
          this.applyWake.notify();
          this.d.onChange?.();
          continue;
        }
        await this.shipWake.wait(1000, signal);
      }
    } finally {
      landing.close();
    }
  }

  private async applier(ctx: RunContext): Promise<void> {
    const signal = ctx.signal as AbortSignal;
    const landing: Landing = this.d.pipeline.landing();
    let lastRetention = Date.now();
    try {
      while (!signal.aborted) {
        const chain = this.d.store.currentChain();
        const next = chain ? this.d.store.slice(chain.chainId, (chain.appliedSeq ?? -1) + 1) : null;
        if (next?.state === 'verified') {
          await this.d.pipeline.apply(ctx, landing);
          this.captureWake.notify();
          this.d.onChange?.();
          continue;
        }
        if (Date.now() - lastRetention >= this.o.retentionEveryMs) {
          lastRetention = Date.now();
          await this.d.pipeline.retention(ctx, landing);
        }
        await this.applyWake.wait(1000, signal);
      }
    } finally {
      landing.close();
    }
  }
}

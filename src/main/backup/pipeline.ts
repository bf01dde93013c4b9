import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import type { Topology } from '../../shared/topology';
import type { HostKeyPins } from '../connectors/ssh-host-keys';
import type { SecretStore } from '../store/secret-store';
import { ApplyStage, chainBrokenError } from './apply-stage';
import { ShipStage } from './ship-stage';
import type { BackupLog } from './backup-log';
import type { BackupStore, ChainRow, SliceRow } from './backup-store';
import { captureBaseline } from './baseline/capture';
import { BaselinePartStore } from './baseline/part-store';
import { PartShipper } from './baseline/part-shipper';
import type { PartSizing } from './baseline/plan';
import { captureAnchor, changesReason, changesSince, type HandoverPoint } from './anchor';
import { archiveName, captureIncrement, manifestName, newChainId } from './capture';
import { SshLanding, type Landing, type RetryTuning, type TransferHook, type TransferTuning } from './landing';
import { LocalLanding } from './local-landing';
import { manifestSha256, parseManifest } from './manifest';
import { connectReplicaSet, resolveRoute, serverVersion, versionMismatchError, versionsCompatible, type BackupRoute, type ClientOptions } from '../connectors/mongo-endpoints';
import { textToTs } from '../connectors/oplog-ts';
import type { ProgressTracker } from './progress';
import { checkAborted } from './scheduler';
import type { ChainState } from '../control/chain-state';
import type { HeldLease } from '../control/lease';
import { serverNow } from '../control/majority';

/**
 * One cycle: capture DC's new oplog entries as the next slice, ship every slice DR lacks, apply every
 * verified slice in order, prune old files. State lives in SQLite after each step, so a cycle cut short
 * anywhere is simply continued by the next one.
 */
export interface PipelineOptions {
  /** Deadline for connecting to a server or host (ms). */
  timeoutMs?: number;
  retry?: RetryTuning;
  transfer?: TransferTuning;
  gzipLevel?: number;
  transferHook?: TransferHook;
  /**
   * The built-in sandbox only (its sites are this machine): the directory slices land in when the
   * receiving site has no SSH host. A real topology leaves it unset and must name an SSH host.
   */
  localLanding?: string;
  /** This workstation's clock (ms); tests skew it. RPO never depends on it beyond the measured offset to DC. */
  clock?: () => number;
  /** Entries per applyOps batch (default the replay's); smaller batches record the position more often. */
  applyBatchEntries?: number;
  /** Baselines in parts: how large a part may be, how many are copied and restored at once (default 4 each). */
  baseline?: PartSizing & { copyConcurrency?: number; restoreConcurrency?: number };
}

/** DC's clock minus this workstation's (ms), measured at every capture: "now" for RPO is DC's time. */
export const DC_CLOCK_OFFSET_SETTING = 'dc-clock-offset-ms';

export interface PipelineDeps {
  topology: Topology;
  secrets: SecretStore;
  store: BackupStore;
  pins: HostKeyPins;
  dataDir: string;
  log: BackupLog;
  options?: PipelineOptions;
  keep: () => number;
}

export interface RunContext {
  cycleId: number;
  progress: ProgressTracker;
  signal?: AbortSignal;
  /** With the pipeline lease: the target's chain document, written under the lease's term. */
  control?: { chain: ChainState; lease: () => HeldLease; by: string };
  /** The lease could not be taken (the target does not answer): capture and ship only; the apply is refused with this. */
  controlUnavailable?: DeskError | null;
}

export class BackupPipeline {
  readonly route: BackupRoute;
  readonly outbox: string;
  readonly staging: string;
  private readonly clientOptions: ClientOptions;
  private readonly applyStage: ApplyStage;
  private readonly parts: BaselinePartStore;
  private readonly shipStage: ShipStage;

  constructor(private readonly d: PipelineDeps) {
    this.route = resolveRoute(d.topology, d.options?.localLanding);
    this.outbox = join(d.dataDir, 'backup', 'outbox');
    this.staging = join(d.dataDir, 'backup', 'staging');
    this.clientOptions = { secrets: d.secrets, timeoutMs: d.options?.timeoutMs ?? Math.max(5_000, d.topology.requestTimeoutMs) };
    this.applyStage = new ApplyStage(d, this.route, this.staging, (fn) => this.withClient('target', fn), { restoreConcurrency: d.options?.baseline?.restoreConcurrency });
    this.parts = new BaselinePartStore(d.store.db);
    this.shipStage = new ShipStage({ store: d.store, log: d.log, outbox: this.outbox, target: this.route.to.name });
  }

  landing(): Landing {
    if (this.route.landing.kind === 'local') return new LocalLanding(this.route.landing.dir);
    const o = this.d.options ?? {};
    return new SshLanding(this.route.landing.host, {
      secrets: this.d.secrets,
      pins: this.d.pins,
      timeoutMs: this.clientOptions.timeoutMs,
      retry: o.retry ?? { attempts: 4, baseMs: 2_000, maxMs: 30_000 },
      transfer: o.transfer,
      transferHook: o.transferHook,
      onRetry: (what, err, attempt, delayMs) => this.d.log.write({ event: 'retry', what, attempt, delayMs, code: (err as DeskError).code, message: (err as Error).message }),
      onPinned: (pin) => this.d.log.write({ event: 'host-key-pinned', hostPort: pin.hostPort, fingerprint: pin.fingerprint }),
    });
  }

  clock(): number {
    return (this.d.options?.clock ?? Date.now)();
  }

  /** DC's time now, from this workstation's clock and the offset measured at the last capture. */
  dcNow(): number {
    return this.clock() + Number(this.d.store.setting(DC_CLOCK_OFFSET_SETTING) ?? 0);
  }

  /** The pipeline's name in the control collections: one lease and one chain document per route. */
  get controlId(): string {
    return `${this.route.source.name}>${this.route.target.name}`;
  }

  /** A connection to the source replica set (continuous mode tails its oplog; the caller closes it). */
  connectSource(): Promise<MongoClient> {
    return connectReplicaSet(this.route.source, this.clientOptions);
  }

  /** A connection to the target replica set, where the lease and the applied position live (the caller closes it). */
  connectTarget(): Promise<MongoClient> {
    return connectReplicaSet(this.route.target, this.clientOptions);
  }

  private async withClient<T>(rs: 'source' | 'target', fn: (c: MongoClient) => Promise<T>): Promise<T> {
    const client = await connectReplicaSet(rs === 'source' ? this.route.source : this.route.target, this.clientOptions);
    try {
      return await fn(client);
    } finally {
      await client.close(true).catch(() => undefined);
    }
  }

  /**
   * With the lease: when DR follows a chain this cache does not hold at DR's head — a lost or new data
   * directory, another workstation that ran the pipeline meanwhile, a cache that fell behind or diverged —
   * the cache takes DR's head (its manifest, stored with the applied position) and the next slice links to
   * it: the same chain continues, no baseline, no gap (capture starts at the head's end) and no repeat
   * (an entry DR applied past the head is skipped by the resume position). A pending baseline of this
   * workstation is left alone (its own checks decide whether it may replace DR's chain).
   */
  async adoptTargetChain(run: RunContext): Promise<boolean> {
    const ctl = run.control;
    if (!ctl) return false;
    const doc = await ctl.chain.read();
    if (!doc?.headManifest || !doc.headManifestSha256 || doc.appliedSeq === null) return false;
    const local = this.d.store.currentChain();
    if (local?.state === 'building') return false;
    // The same head here: nothing to take (a chain broken here stays broken: DR's head is where it broke).
    if (local?.chainId === doc.chainId && this.d.store.slice(doc.chainId, doc.appliedSeq)?.manifestSha === doc.headManifestSha256) return false;
    const head = parseManifest(doc.headManifest, `in ${this.route.to.name}'s chain document`);
    if (manifestSha256(head) !== doc.headManifestSha256 || head.chainId !== doc.chainId || head.seq !== doc.appliedSeq)
      throw new DeskError('CHAIN_DOC_DAMAGED', `${this.route.to.name}'s chain document names head #${doc.appliedSeq} of chain ${doc.chainId} with a manifest that does not match it: nothing was captured or applied. Start a new baseline.`);
    // Slices of this chain captured here but not applied on DR are superseded by the head DR holds.
    for (const sl of local?.chainId === doc.chainId ? this.d.store.slices(doc.chainId) : [])
      if (!sl.localDeleted) for (const f of [sl.manifest.archive, ...(sl.manifest.parts ?? []).map((p) => p.archive)]) await rm(join(this.outbox, f), { force: true });
    this.d.store.adoptChain({ chainId: doc.chainId, replicaSet: this.route.source.name, startedAt: doc.startedAt, head, headSha: doc.headManifestSha256, appliedWall: doc.appliedWall?.getTime() ?? null });
    this.d.log.write({ event: 'chain-adopted', chainId: doc.chainId, seq: head.seq, toTs: head.toTs, writtenBy: doc.by, replaced: local?.chainId ?? null });
    return true;
  }

  /** The chain a cycle extends; an error saying what to do when there is none or it is broken. */
  usableChain(): ChainRow {
    const chain = this.d.store.currentChain();
    if (!chain || !this.d.store.hasSlices(chain.chainId))
      throw new DeskError('BACKUP_NEEDS_BASELINE', 'No baseline has been taken yet: start a baseline (drdesk backup run --baseline, or "Start baseline" on the Backups page).');
    if (chain.state === 'broken') throw chainBrokenError(chain.broken?.message ?? 'the chain is broken.');
    return chain;
  }

  /**
   * Capture, then deliver. A capture that fails (DC unreachable, oplog rolled) still lets the slices
   * captured before it reach DR; the cycle then fails with the first error.
   */
  async runCycle(run: RunContext): Promise<void> {
    await this.adoptTargetChain(run);
    this.usableChain();
    let failure: unknown = null;
    await this.capture(run).catch((err: unknown) => (failure = err));
    if ((failure as DeskError | null)?.code === 'CYCLE_DEADLINE') throw failure;
    await this.deliver(run).catch((err: unknown) => (failure ??= err));
    if (failure) throw failure;
  }

  /**
   * A new chain: version check, consistent copy of DC, shipped and restored on DR. A baseline captured but
   * not yet applied is delivered again; one cut short while copying continues from the parts it finished.
   */
  async runBaseline(run: RunContext): Promise<void> {
    const current = this.d.store.currentChain();
    const building = current?.state === 'building' ? current : null;
    const pending = building ? this.d.store.slice(building.chainId, 0) : null;
    if (pending?.manifest.kind !== 'baseline' || !existsSync(join(this.outbox, pending.manifest.archive))) {
      await this.withClient('source', async (dc) => {
        const [dcVersion, drVersion] = [await serverVersion(dc), await this.withClient('target', serverVersion)];
        if (!versionsCompatible(dcVersion, drVersion)) throw versionMismatchError(dcVersion, drVersion, this.route.from.name, this.route.to.name);
        const resumable = building && !pending && this.parts.get(building.chainId) ? building.chainId : null;
        const chainId = resumable ?? newChainId();
        if (!resumable) this.d.store.createChain(chainId, this.route.source.name);
        for (const abandoned of this.parts.dropAllBut(chainId)) await this.removeOutboxFiles(abandoned);
        this.d.log.write({ event: resumable ? 'baseline-resume-copy' : 'baseline-start', chainId });
        const o = this.d.options?.baseline;
        const landing = this.landing();
        const shipper = new PartShipper({
          landing,
          outbox: this.outbox,
          chainId,
          signal: run.signal,
          onSent: (n) => this.d.store.countCycle(run.cycleId, 'bytes', n),
          onLanded: (p) => this.shipStage.partLanded(p.archive, p.sha256),
          onFailure: (err) => this.d.log.write({ event: 'part-ship-deferred', chainId, code: (err as DeskError).code, message: (err as Error).message }),
        });
        const m = await captureBaseline(dc, this.route.source, {
          chainId,
          store: this.d.store,
          outbox: this.outbox,
          progress: run.progress,
          signal: run.signal,
          gzipLevel: this.d.options?.gzipLevel,
          clientOptions: this.clientOptions,
          parts: this.parts,
          sizing: o,
          copyConcurrency: o?.copyConcurrency,
          onPart: (p) => shipper.add(p),
          shipped: () => shipper.shipped,
        }).finally(async () => {
          await shipper.drain();
          landing.close();
        });
        this.d.store.addSlice(m, manifestSha256(m));
        this.parts.drop(chainId);
        this.d.store.countCycle(run.cycleId, 'captured');
        this.d.log.write({ event: 'captured', chainId, seq: 0, count: m.count, bytes: m.bytes, parts: m.parts?.length ?? 0, partsShippedDuringCopy: shipper.shipped, toTs: m.toTs });
      });
    } else this.d.log.write({ event: 'baseline-resume', chainId: pending.chainId });
    await this.deliver(run);
  }

  /** The outbox files of an abandoned baseline (its parts and any partial file). */
  private async removeOutboxFiles(chainId: string): Promise<void> {
    const prefix = `${archiveName(chainId, 0)}`;
    const names = await readdir(this.outbox).catch(() => [] as string[]);
    for (const n of names) if (n.startsWith(prefix)) await rm(join(this.outbox, n), { force: true });
  }

  /**
   * A new chain anchored at `point` (see anchor.ts) when the target changed nothing since its side of the
   * point and the source still holds its side: the anchor is shipped and applied like a baseline, without
   * copying or replacing any data. Returns why it could not be anchored otherwise (the caller takes a baseline).
   */
  async runAnchored(run: RunContext, point: HandoverPoint): Promise<{ anchored: boolean; reason: string }> {
    const { from, to } = this.route;
    const changes = await this.withClient('target', (t) => changesSince(t, point.targetTs, to.name));
    if (changes.kind !== 'none') return { anchored: false, reason: changesReason(changes, to.name, from.name, point) };
    return this.withClient('source', async (src) => {
      const entry = await src.db('local').collection('oplog.rs').findOne({ ts: textToTs(point.sourceTs) }, { projection: { ts: 1, wall: 1 } });
      if (!entry) return { anchored: false, reason: `${from.name}'s oplog no longer holds ${point.sourceTs} (${point.label}), so its changes since cannot be read` };
      const [version, targetVersion] = [await serverVersion(src), await this.withClient('target', serverVersion)];
      if (!versionsCompatible(version, targetVersion)) throw versionMismatchError(version, targetVersion, from.name, to.name);
      const reason = `${to.name}'s oplog holds no change after ${point.targetTs} (${point.label}), so ${to.name}'s data is ${from.name}'s at ${point.sourceTs}: the chain starts there and carries only ${from.name}'s changes since`;
      const chainId = newChainId();
      this.d.store.createChain(chainId, this.route.source.name);
      const m = await captureAnchor(this.outbox, { chainId, point, sourceWall: entry.wall instanceof Date ? entry.wall : null, replicaSet: this.route.source.name, version, reason });
      this.d.store.addSlice(m, manifestSha256(m));
      this.d.store.countCycle(run.cycleId, 'captured');
      this.d.log.write({ event: 'anchored', chainId, sourceTs: point.sourceTs, targetTs: point.targetTs, reason });
      await this.deliver(run);
      return { anchored: true, reason };
    });
  }

  /** Captures the next slice of the current chain (nothing when DC wrote nothing). */
  async capture(run: RunContext): Promise<void> {
    const chain = this.usableChain();
    const prev = this.d.store.slices(chain.chainId).at(-1) as SliceRow;
    checkAborted(run.signal);
    const outcome = await this.withClient('source', async (dc) => {
      const sentAt = this.clock();
      const dcNow = await serverNow(dc);
      // Half the round trip is the best estimate of when DC read its clock.
      this.d.store.setSetting(DC_CLOCK_OFFSET_SETTING, String(Math.round(dcNow.getTime() - (sentAt + this.clock()) / 2)));
      return captureIncrement(dc, chain, prev, await serverVersion(dc), { store: this.d.store, outbox: this.outbox, progress: run.progress, signal: run.signal, gzipLevel: this.d.options?.gzipLevel, headCheckedAt: dcNow });
    });
    if (outcome.kind === 'rolled') {
      this.d.store.breakChain(chain.chainId, 'OPLOG_ROLLED', outcome.message);
      this.d.log.write({ event: 'chain-broken', chainId: chain.chainId, code: 'OPLOG_ROLLED', message: outcome.message });
      throw chainBrokenError(outcome.message);
    }
    if (outcome.kind === 'slice') {
      this.d.store.countCycle(run.cycleId, 'captured');
      this.d.log.write({ event: 'captured', chainId: chain.chainId, seq: outcome.manifest.seq, count: outcome.manifest.count, bytes: outcome.manifest.bytes, toTs: outcome.manifest.toTs });
    }
  }

  /** Capture and ship only: the slices wait, verified at the landing, for a later delivery to apply them. */
  async stage(run: RunContext): Promise<void> {
    await this.adoptTargetChain(run);
    await this.capture(run);
    const landing = this.landing();
    try {
      await this.ship(run, landing);
    } finally {
      landing.close();
    }
  }

  /**
   * Ship, apply and prune over one landing connection. Slices verified before a failed shipment (or a gap)
   * are still applied; the one that failed, and everything after it, are not.
   */
  async deliver(run: RunContext): Promise<void> {
    await this.adoptTargetChain(run);
    const landing = this.landing();
    try {
      let shipFailure: unknown = null;
      await this.ship(run, landing).catch((err: unknown) => (shipFailure = err));
      if ((shipFailure as DeskError | null)?.code === 'CYCLE_DEADLINE') throw shipFailure;
      await this.apply(run, landing).catch((err: unknown) => {
        throw shipFailure ?? err;
      });
      if (shipFailure) throw shipFailure;
      await this.retention(run, landing);
    } finally {
      landing.close();
    }
  }

  /** The current chain's slices DR has not applied; a broken chain still delivers what precedes its gap. */
  private unapplied(): { chain: ChainRow; slices: SliceRow[] } {
    const chain = this.d.store.currentChain();
    if (!chain) return { chain: this.usableChain(), slices: [] };
    return { chain, slices: this.d.store.slices(chain.chainId).filter((s) => s.seq > (chain.appliedSeq ?? -1)) };
  }

  /** Ships every slice DR does not have verified yet (ship-stage.ts). A slice gone from both sides breaks the chain. */
  async ship(run: RunContext, landing: Landing): Promise<void> {
    const { chain, slices } = this.unapplied();
    await this.shipStage.ship(run, landing, chain, slices);
  }

  /** Applies verified slices in order; stops at the first one that is not (nothing after a gap is applied). */
  async apply(run: RunContext, landing: Landing): Promise<void> {
    await this.applyStage.apply(run, landing, this.unapplied());
  }

  /** Keeps the newest N slices' files on each side; older ones go once applied (or superseded by a new baseline). */
  async retention(run: RunContext, landing: Landing): Promise<void> {
    const keep = this.d.keep();
    const all = this.d.store.slicesWithFiles();
    const chains = new Map<string, ChainRow | null>();
    const chainOf = (id: string) => (chains.has(id) ? chains.get(id) : (chains.set(id, this.d.store.chain(id)), chains.get(id))) ?? null;
    const done = (s: SliceRow) => s.state === 'applied' || chainOf(s.chainId)?.state === 'superseded';
    const prunable = (rows: SliceRow[]) => rows.slice(0, Math.max(0, rows.length - keep)).filter(done);
    run.progress.phase('retention', `Keeping the last ${keep} slices on each side`);
    for (const s of prunable(all.filter((r) => !r.localDeleted))) {
      for (const f of [s.manifest.archive, ...(s.manifest.parts ?? []).map((p) => p.archive), manifestName(s.chainId, s.seq)]) await rm(join(this.outbox, f), { force: true });
      this.d.store.markFilesDeleted(s.chainId, s.seq, 'local');
    }
    for (const s of prunable(all.filter((r) => !r.remoteDeleted))) {
      await landing.remove(s.manifest);
      this.d.store.markFilesDeleted(s.chainId, s.seq, 'remote');
    }
  }
}

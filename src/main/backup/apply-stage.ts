import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../shared/errors';
import { fileSha256 } from './archive';
import { changesReason, changesSince } from './anchor';
import { applyIncrementArchive, type ApplyDeps } from './apply';
import { restoreBaselineArchive, restorePartedBaseline, type BaselinePart, type PartAccess } from './baseline/restore';
import { landedPartsProblem, stagedPartAccess } from './baseline/restore-fetch';
import type { ChainRow, SliceRow } from './backup-store';
import type { Landing } from './landing';
import { linkProblem, manifestSha256, rootProblem, type Manifest } from './manifest';
import type { PipelineDeps, RunContext } from './pipeline';
import { lastPosition, serverVersion, versionMismatchError, versionsCompatible, type BackupRoute } from '../connectors/mongo-endpoints';
import { compareTs, tsToText } from '../connectors/oplog-ts';
import { checkAborted } from './scheduler';

/** A baseline's parts (absent on a baseline in one archive and on every other kind). */
function partsOf(m: Manifest): BaselinePart[] | null {
  return m.kind === 'baseline' && m.parts?.length ? m.parts : null;
}

/** A parted baseline DR refused for its data (not its transport): shipping it again would not help. */
const RESTORE_REFUSALS = new Set(['BASELINE_UNIQUE_VIOLATION', 'BASELINE_COUNT_MISMATCH', 'BASELINE_RESTORE_FAILED', 'BASELINE_PARTS_INVALID']);

export interface ApplyStageTuning {
  /** Parts of a baseline restored at once (baseline/restore.ts, default 4). */
  restoreConcurrency?: number;
}

export function chainBrokenError(message: string): DeskError {
  return new DeskError('BACKUP_CHAIN_BROKEN', `Chain broken — a new baseline is needed: ${message}`);
}

/**
 * The apply side of a cycle: each verified slice is checked again where it landed (manifest, link to the
 * previous slice, sha256 of the fetched copy), DR's chain document decides where it resumes, and it is
 * applied with its position recorded — or marked to be shipped again, with the reason, when the landing's
 * copy is not the one DC wrote.
 */
export class ApplyStage {
  constructor(
    private readonly d: PipelineDeps,
    private readonly route: BackupRoute,
    private readonly staging: string,
    private readonly withTarget: <T>(fn: (dr: MongoClient) => Promise<T>) => Promise<T>,
    private readonly tuning: ApplyStageTuning = {},
  ) {}

  /** Marks a slice failed so the next cycle ships it again, and fails this cycle with the reason. */
  private reship(s: SliceRow, code: string, message: string): never {
    this.d.store.setProblem(s.chainId, s.seq, code, message, true);
    this.d.log.write({ event: 'apply-refused', chainId: s.chainId, seq: s.seq, code, message });
    throw new DeskError(code, message);
  }

  /** Applies verified slices in order; stops at the first one that is not (nothing after a gap is applied). */
  async apply(run: RunContext, landing: Landing, { chain, slices }: { chain: ChainRow; slices: SliceRow[] }): Promise<void> {
    if (!slices.length) return;
    if (run.controlUnavailable) throw run.controlUnavailable;
    await mkdir(this.staging, { recursive: true });
    await this.withTarget(async (dr) => {
      const drVersion = await serverVersion(dr);
      const foreign = slices.find((s) => !versionsCompatible(s.manifest.dcVersion, drVersion));
      if (foreign) {
        const err = versionMismatchError(foreign.manifest.dcVersion, drVersion, this.route.from.name, this.route.to.name);
        this.d.store.setProblem(foreign.chainId, foreign.seq, err.code, err.message, true);
        throw err;
      }
      let prev = chain.appliedSeq === null ? null : this.d.store.slice(chain.chainId, chain.appliedSeq);
      for (const s of slices) {
        checkAborted(run.signal);
        if (s.state !== 'verified') {
          if (s.state === 'failed' && s.problem) throw new DeskError(s.problem.code, s.problem.message);
          return;
        }
        await this.applyOne(run, landing, dr, s, prev);
        prev = this.d.store.slice(s.chainId, s.seq);
      }
    });
  }

  private async applyOne(run: RunContext, landing: Landing, dr: MongoClient, s: SliceRow, prev: SliceRow | null): Promise<void> {
    const m = s.manifest;
    run.progress.phase('verify', `Verifying slice #${m.seq} on ${this.route.to.name}`, { slice: { chainId: m.chainId, seq: m.seq }, bytes: { done: 0, total: m.bytes } });
    const landed = await landing.remoteManifest(m, run.signal).catch((err: unknown) => {
      // A damaged (truncated, altered) manifest at the landing is replaced by shipping the slice again.
      if ((err as DeskError).code === 'MANIFEST_INVALID') this.reship(s, 'MANIFEST_INVALID', (err as Error).message);
      throw err;
    });
    if (!landed) this.reship(s, 'SLICE_MISSING_REMOTE', `Slice #${m.seq}'s manifest is not in ${landing.label} (deleted or never written): it is shipped again.`);
    if (manifestSha256(landed) !== s.manifestSha) this.reship(s, 'MANIFEST_MISMATCH', `Slice #${m.seq}'s manifest at ${landing.label} differs from the one ${this.route.from.name} wrote: it is shipped again.`);
    const link = prev ? linkProblem(prev.manifest, landed) : rootProblem(landed);
    if (link) {
      this.d.store.setProblem(s.chainId, s.seq, link.code, link.message, true);
      this.d.store.breakChain(s.chainId, link.code, link.message);
      throw chainBrokenError(link.message);
    }
    const local = join(this.staging, m.archive);
    try {
      await landing.fetch(m, local, (done, total) => run.progress.update({ bytes: { done, total } }), run.signal);
    } catch (err) {
      if ((err as DeskError).code === 'SLICE_MISSING_REMOTE') this.reship(s, 'SLICE_MISSING_REMOTE', (err as Error).message + ' It is shipped again.');
      throw err;
    }
    try {
      const sha = await fileSha256(local);
      if (sha !== m.sha256) {
        await landing.remove(m);
        this.reship(s, 'CHECKSUM_MISMATCH', `Slice #${m.seq} at ${landing.label} has sha256 ${sha}, not ${m.sha256} as its manifest says: it was not applied, the damaged copy was deleted and it is shipped again.`);
      }
      const parts = partsOf(m);
      // Every part must be intact at the landing before DR is touched: a baseline with a hole is not started.
      if (parts) await this.checkParts(landing, s, parts);
      const safety = await lastPosition(dr);
      this.d.store.setSafetyPoint(s.chainId, s.seq, safety ? tsToText(safety.ts) : null);
      this.d.log.write({ event: 'safety-point', chainId: s.chainId, seq: s.seq, drTs: safety ? tsToText(safety.ts) : null });
      run.progress.phase('apply', `Applying slice #${m.seq} on ${this.route.to.name}`, { slice: { chainId: m.chainId, seq: m.seq }, documents: { done: 0, total: m.count } });
      const resumeAfterTs = await this.controlledResume(run, s);
      if (resumeAfterTs === 'applied') {
        this.d.store.markApplied(m, m.lastWall ? Date.parse(m.lastWall) : null, null);
        if (m.kind !== 'increment') this.d.store.activateChain(m.chainId);
        this.d.log.write({ event: 'already-applied', chainId: m.chainId, seq: m.seq, why: `${this.route.to.name}'s chain document records it` });
        return;
      }
      const ctl = run.control;
      const deps: ApplyDeps = {
        progress: run.progress,
        signal: run.signal,
        resumeAfterTs,
        batchEntries: this.d.options?.applyBatchEntries,
        positionOp: ctl && m.kind === 'increment' ? (ts: string) => ctl.chain.positionOp(ts) : undefined,
        // A baseline in one archive keeps its earlier behaviour; a parted one fences its batches too.
        fenceOp: ctl && (m.kind === 'increment' || parts) ? () => ctl.chain.fenceOp(ctl.lease()) : undefined,
        onBatchApplied: async (ts: string) => {
          this.d.store.setApplyProgress(s.chainId, s.seq, ts);
          if (ctl && m.kind === 'increment') await ctl.chain.recordApplied(ctl.lease(), s.chainId, ts, null);
        },
      };
      if (m.kind === 'anchor') await this.checkAnchor(dr, s);
      const out = parts
        ? await restorePartedBaseline(dr, local, m, deps, { parts, access: this.partAccess(run, landing, s), concurrency: this.tuning.restoreConcurrency })
        : m.kind === 'baseline'
          ? await restoreBaselineArchive(dr, local, m, deps)
          : m.kind === 'anchor'
            ? { applied: 0, lastWall: null }
            : await applyIncrementArchive(dr, local, m, deps);
      // Where the target's own oplog stands now: a later route the other way can start there (anchor.ts).
      const after = await lastPosition(dr);
      this.d.store.markApplied(m, out.lastWall ?? (m.lastWall ? Date.parse(m.lastWall) : null), after ? tsToText(after.ts) : null);
      if (m.kind !== 'increment') this.d.store.activateChain(m.chainId);
      if (ctl) await ctl.chain.recordSliceApplied(ctl.lease(), m.chainId, m.seq, m.toTs, s.manifestSha, JSON.stringify(m), out.lastWall ?? (m.lastWall ? Date.parse(m.lastWall) : null));
      this.d.store.countCycle(run.cycleId, 'applied');
      this.d.log.write({ event: 'applied', chainId: m.chainId, seq: m.seq, entries: out.applied, toTs: m.toTs });
    } catch (err) {
      const e = err as DeskError;
      if (e.code === 'APPLY_FAILED' || RESTORE_REFUSALS.has(e.code)) this.d.store.setProblem(s.chainId, s.seq, e.code, e.message, false);
      throw err;
    } finally {
      await rm(local, { force: true });
      for (const p of partsOf(m) ?? []) await rm(join(this.staging, p.archive), { force: true });
    }
  }

  /** Each part's sha256 where it landed, against the manifest: a missing or damaged one ships the slice again. */
  private async checkParts(landing: Landing, s: SliceRow, parts: BaselinePart[]): Promise<void> {
    const problem = await landedPartsProblem(landing, parts, { label: landing.label, seq: s.seq, target: this.route.to.name });
    if (problem) this.reship(s, problem.code, problem.message);
  }

  /** Parts are fetched as the restore's pool reaches them, checked again after the copy, and deleted once restored. */
  private partAccess(run: RunContext, landing: Landing, s: SliceRow): PartAccess {
    return stagedPartAccess(landing, this.staging, { label: landing.label, seq: s.seq, target: this.route.to.name }, (code, message) => this.reship(s, code, message), run.signal);
  }

  /**
   * With the lease, DR's chain document decides where the apply resumes. A baseline or an anchor starts the
   * document for its chain, refused when DR already follows a chain begun after this one was captured (a
   * stale baseline must not wipe another workstation's chain). An increment of a chain DR does not follow is
   * refused; one DR already applied (fully or partly, by any workstation) is skipped up to DR's position.
   */
  private async controlledResume(run: RunContext, s: SliceRow): Promise<string | null | 'applied'> {
    const ctl = run.control;
    if (!ctl) return s.applyTs;
    const m = s.manifest;
    const doc = await ctl.chain.read();
    if (m.kind !== 'increment') {
      if (doc && doc.chainId !== m.chainId && doc.startedAt.getTime() > Date.parse(m.createdAt))
        throw new DeskError(
          'BASELINE_STALE',
          `${this.route.to.name} follows chain ${doc.chainId} (started by ${doc.by} at ${doc.startedAt.toISOString()}), begun after this workstation's pending ${m.kind} of chain ${m.chainId} was captured (${m.createdAt}): it was not applied, so ${this.route.to.name}'s data stays. Start a new baseline to replace that chain deliberately.`,
        );
      if (doc?.chainId === m.chainId && doc.appliedSeq !== null && doc.appliedSeq >= m.seq) return 'applied';
      await ctl.chain.startChain(ctl.lease(), m.chainId, m.fromTs, ctl.by);
      return s.applyTs;
    }
    if (!doc) {
      // A chain from before the control collections: DR's document starts here, at this workstation's head.
      await ctl.chain.startChain(ctl.lease(), m.chainId, null, ctl.by);
      return s.applyTs;
    }
    if (doc.chainId !== m.chainId)
      throw new DeskError(
        'CHAIN_FOREIGN',
        `${this.route.to.name} follows chain ${doc.chainId} (written by ${doc.by} at ${doc.updatedAt.toISOString()}), not this workstation's chain ${m.chainId}: slice #${m.seq} was not applied. Start a new baseline here only if that chain should be replaced.`,
      );
    if (doc.appliedSeq !== null && doc.appliedSeq >= m.seq) return 'applied';
    const drTs = doc.appliedTs ? tsToText(doc.appliedTs) : null;
    if (drTs && compareTs(drTs, m.fromTs) > 0) {
      if (compareTs(drTs, m.toTs) >= 0) return 'applied';
      if (!s.applyTs || compareTs(drTs, s.applyTs) > 0) return drTs;
    }
    return s.applyTs;
  }

  /** An anchor holds only while the target still changed nothing since its position: checked again at apply time. */
  private async checkAnchor(dr: MongoClient, s: SliceRow): Promise<void> {
    const a = s.manifest.anchor;
    const changes = a ? await changesSince(dr, a.targetTs, this.route.to.name) : ({ kind: 'lost', message: 'the anchor names no target position' } as const);
    if (changes.kind === 'none') return;
    const point = { sourceTs: s.manifest.toTs, targetTs: a?.targetTs ?? '?', label: `the anchor of chain ${s.chainId}` };
    const message = `${changesReason(changes, this.route.to.name, this.route.from.name, point)}.`;
    this.d.store.setProblem(s.chainId, s.seq, 'ANCHOR_STALE', message, true);
    this.d.store.breakChain(s.chainId, 'ANCHOR_STALE', message);
    throw chainBrokenError(message);
  }

}

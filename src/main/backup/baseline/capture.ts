import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, type Timestamp } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import type { ReplicaSetConfig } from '../../../shared/topology';
import { ArchiveWriter, fileSha256 } from '../archive';
import { archiveName, entryHead, publishSlice, type CaptureDeps } from '../capture';
import { MANIFEST_FORMAT, type BaselinePart, type Manifest } from '../manifest';
import { connectMember, lastPosition, pickCopySource, serverVersion, type ClientOptions } from '../../connectors/mongo-endpoints';
import { compareTs, textToTs, tsToText } from '../../connectors/oplog-ts';
import { checkAborted } from '../scheduler';
import { copyParts, DEFAULT_COPY_CONCURRENCY, type CopyJob } from './copy';
import type { BaselinePartStore, CopiedPart, SavedBaseline } from './part-store';
import { planBaseline, type BaselinePlan, type PartSizing } from './plan';

/**
 * The baseline, the mongodump --oplog way, in parts: note the source member's newest oplog position, copy
 * every collection — a few at a time, a large one split by _id ranges, each part its own archive — then write
 * the head archive: a marker per collection {_drdesk: "collection", db, name, options, indexes, timeseries,
 * parts: [index…]}, one {_drdesk: "view"} per view, then {_drdesk: "oplog"} and the source's oplog from the
 * noted position to its end. Replaying those entries over the copy (idempotently) makes it a consistent image
 * of the position the head ends at. Copying from a healthy secondary spares the primary. The head is written
 * last, so a baseline cut short resumes: the plan and each finished part are kept (part-store.ts), and the
 * next run copies only the parts that are not in the outbox intact.
 */
export interface BaselineDeps extends CaptureDeps {
  chainId: string;
  clientOptions: ClientOptions;
  parts: BaselinePartStore;
  sizing?: PartSizing;
  /** Parts copied at once (default 4). */
  copyConcurrency?: number;
  /** Sees each part whose file is whole in the outbox (kept from an earlier run, or just copied): it may ship it. */
  onPart?: (p: CopiedPart) => void;
  /** Parts that have reached the landing so far, for the progress line. */
  shipped?: () => number;
}

export function partArchiveName(chainId: string, index: number): string {
  return `${archiveName(chainId, 0)}.p${String(index).padStart(4, '0')}`;
}

/** A new baseline's plan, or the saved one of a baseline cut short — provided the source still holds its start. */
async function planOrResume(src: MongoClient, member: string, deps: BaselineDeps): Promise<{ saved: SavedBaseline; resumed: boolean }> {
  const saved = deps.parts.get(deps.chainId);
  if (saved) {
    const start = await src.db('local').collection('oplog.rs').findOne({ ts: textToTs(saved.startTs) }, { projection: { ts: 1 } });
    if (!start) {
      deps.parts.drop(deps.chainId);
      throw new DeskError('BASELINE_OPLOG_ROLLED', `DC's oplog on ${member} no longer holds ${saved.startTs}, where the interrupted baseline began: its parts cannot be made consistent. The next run starts a new baseline; enlarge the DC oplog (replSetResizeOplog) if this repeats.`);
    }
    return { saved, resumed: true };
  }
  const start = await lastPosition(src);
  if (!start) throw new DeskError('BASELINE_NO_OPLOG', `${member} has an empty oplog: it is not a replica-set member with an oplog, so no consistent copy can be taken.`);
  const headCheckedAt = new Date();
  const dcVersion = await serverVersion(src);
  const plan = await planBaseline(src, deps.sizing);
  const fresh: SavedBaseline = { chainId: deps.chainId, startTs: tsToText(start.ts), startWall: start.wall?.toISOString() ?? null, headCheckedAt: headCheckedAt.toISOString(), dcVersion, plan };
  deps.parts.save(fresh);
  return { saved: fresh, resumed: false };
}

/** Parts copied earlier whose file is in the outbox with the checksum recorded for it; the rest are copied (again). */
async function keptParts(deps: BaselineDeps): Promise<Map<number, CopiedPart>> {
  const kept = new Map<number, CopiedPart>();
  for (const p of deps.parts.copied(deps.chainId)) {
    const path = join(deps.outbox, p.archive);
    if (existsSync(path) && (await fileSha256(path)) === p.sha256) kept.set(p.index, p);
    else deps.parts.forgetPart(deps.chainId, p.index);
  }
  return kept;
}

function estimates(plan: BaselinePlan): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of plan.collections) {
    const mine = plan.parts.filter((p) => p.db === c.db && p.name === c.name);
    for (const p of mine) out.set(p.index, Math.ceil(c.estimate / mine.length));
  }
  return out;
}

/** The head archive: collection markers naming their parts, views, then the oplog from the start position. */
async function writeHead(src: MongoClient, member: string, writer: ArchiveWriter, saved: SavedBaseline, deps: BaselineDeps): Promise<{ ops: number; end: { ts: Timestamp; wall: Date | null } | null }> {
  const { plan } = saved;
  for (const c of plan.collections) {
    const parts = plan.parts.filter((p) => p.db === c.db && p.name === c.name).map((p) => p.index);
    await writer.write(serialize({ _drdesk: 'collection', db: c.db, name: c.name, options: c.options, indexes: c.indexes, timeseries: c.timeseries, parts }));
  }
  // Views last: a view may be defined on any collection of its database, so they all exist first on DR.
  for (const v of plan.views) await writer.write(serialize({ _drdesk: 'view', db: v.db, name: v.name, options: v.options }));
  checkAborted(deps.signal);
  deps.progress.phase('oplog', `Adding DC's oplog from ${saved.startTs} so the copy is consistent`);
  await writer.write(serialize({ _drdesk: 'oplog' }));
  const rolled = () =>
    new DeskError('BASELINE_OPLOG_ROLLED', `DC's oplog on ${member} rolled past ${saved.startTs} while the copy ran: the copy took longer than the oplog window. Enlarge the DC oplog (replSetResizeOplog) and start the baseline again.`);
  let ops = 0;
  let first = true;
  let last: Uint8Array | null = null;
  const cursor = src.db('local').collection('oplog.rs').find({ ts: { $gte: textToTs(saved.startTs) } }, { raw: true, batchSize: 10_000 });
  try {
    for await (const raw of cursor as AsyncIterable<Uint8Array>) {
      if (first) {
        first = false;
        if (tsToText(entryHead(raw).ts) !== saved.startTs) throw rolled();
        continue;
      }
      await writer.write(raw);
      last = raw;
      ops++;
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  if (first) throw rolled();
  return { ops, end: last ? entryHead(last) : null };
}

export async function captureBaseline(dcSet: MongoClient, rs: ReplicaSetConfig, deps: BaselineDeps): Promise<Manifest> {
  const { progress } = deps;
  const source = await pickCopySource(dcSet, rs);
  progress.phase('connect', `Copying from ${source.why}`, { slice: { chainId: deps.chainId, seq: 0 } });
  const src = await connectMember(rs, source.member, deps.clientOptions);
  await mkdir(deps.outbox, { recursive: true });
  const headTmp = join(deps.outbox, `${archiveName(deps.chainId, 0)}.tmp`);
  let writer: ArchiveWriter | null = null;
  try {
    const { saved, resumed } = await planOrResume(src, source.member.name, deps);
    const { plan } = saved;
    const kept = await keptParts(deps);
    // This member must have reached every kept part's copy, or the head's oplog would end before a part's data.
    const reached = [...kept.values()].reduce((max, p) => (compareTs(p.untilTs, max) > 0 ? p.untilTs : max), saved.startTs);
    const now = await lastPosition(src);
    if (!now || compareTs(tsToText(now.ts), reached) < 0)
      throw new DeskError('BASELINE_SOURCE_BEHIND', `${source.member.name} is at ${now ? tsToText(now.ts) : 'no position'}, behind ${reached} where the baseline's parts were copied: the next run continues once it has caught up (its parts are kept).`);
    for (const p of kept.values()) deps.onPart?.(p);
    const perPart = estimates(plan);
    const totalDocs = plan.collections.reduce((n, c) => n + c.estimate, 0);
    const jobs: CopyJob[] = plan.parts.filter((p) => !kept.has(p.index)).map((range) => ({ range, archive: partArchiveName(deps.chainId, range.index), estimate: perPart.get(range.index) ?? 0 }));
    const keptDocs = [...kept.values()].reduce((n, p) => n + p.documents, 0);
    progress.phase(
      'copy',
      `Copying ${plan.collections.length} collections (~${totalDocs} documents) in ${plan.parts.length} parts from ${source.member.name}${resumed ? `, resuming: ${kept.size} parts already copied` : ''}`,
      { collections: { done: kept.size, total: plan.parts.length }, documents: { done: keptDocs, total: Math.max(totalDocs, keptDocs) } },
    );
    await copyParts(src, jobs, {
      outbox: deps.outbox,
      concurrency: deps.copyConcurrency ?? DEFAULT_COPY_CONCURRENCY,
      progress,
      signal: deps.signal,
      gzipLevel: deps.gzipLevel,
      shipped: deps.shipped,
      before: { documents: keptDocs, parts: kept.size, totalParts: plan.parts.length, totalDocuments: totalDocs },
      onCopied: (p) => {
        deps.parts.partCopied(deps.chainId, p);
        kept.set(p.index, p);
        deps.onPart?.(p);
      },
    });
    checkAborted(deps.signal);
    writer = new ArchiveWriter(headTmp, deps.gzipLevel);
    const { ops, end } = await writeHead(src, source.member.name, writer, saved, deps);
    const parts: BaselinePart[] = plan.parts.map((r) => {
      const c = kept.get(r.index) as CopiedPart;
      return { archive: c.archive, db: r.db, name: r.name, index: r.index, count: c.documents, bytes: c.bytes, rawBytes: c.rawBytes, sha256: c.sha256 };
    });
    const docs = parts.reduce((n, p) => n + p.count, 0);
    const w = writer;
    const manifest = await publishSlice(deps.outbox, w, (s) => ({
      format: MANIFEST_FORMAT,
      kind: 'baseline',
      chainId: deps.chainId,
      seq: 0,
      fromTs: saved.startTs,
      toTs: end ? tsToText(end.ts) : saved.startTs,
      count: docs + ops,
      bytes: s.bytes,
      rawBytes: s.rawBytes,
      sha256: s.sha256,
      prevManifestSha256: null,
      dcVersion: saved.dcVersion,
      replicaSet: rs.name,
      createdAt: new Date().toISOString(),
      headCheckedAt: saved.headCheckedAt,
      lastWall: end ? (end.wall?.toISOString() ?? null) : saved.startWall,
      archive: archiveName(deps.chainId, 0),
      collections: plan.collections.length,
      // A source without collections has no parts: its head alone (views, oplog) restores as a one-archive baseline.
      parts: parts.length ? parts : undefined,
    }));
    writer = null;
    progress.update({ message: `Baseline captured: ${plan.collections.length} collections in ${parts.length} parts, ${docs} documents, ${ops} oplog entries` });
    return manifest;
  } finally {
    if (writer) {
      writer.abort();
      await rm(headTmp, { force: true });
    }
    await src.close(true).catch(() => undefined);
  }
}

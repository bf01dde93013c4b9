import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, type Timestamp } from 'bson';
import type { MongoClient } from 'mongodb';
import { CONTROL_DATABASE } from '../control/names';
import { ArchiveWriter, type ArchiveSummary } from './archive';
import type { BackupStore, ChainRow, SliceRow } from './backup-store';
import { encodeManifest, manifestSha256, MANIFEST_FORMAT, sliceBaseName, type Manifest } from './manifest';
import { compareTs, textToTs, tsToText } from '../connectors/oplog-ts';
import type { ProgressTracker } from './progress';
import { checkAborted } from './scheduler';

/**
 * Increments: every DC oplog entry after the last captured position, as the server sent it, into one
 * archive + manifest linked to the previous slice. The read starts AT the last position ($gte) so a rolled
 * oplog is detected instead of silently skipping what was lost.
 */
export interface CaptureDeps {
  store: BackupStore;
  outbox: string;
  progress: ProgressTracker;
  signal?: AbortSignal;
  gzipLevel?: number;
  /** When the capture started, by DC's own clock (RPO is measured in DC's time, never a workstation's). */
  headCheckedAt?: Date;
}

export type CaptureOutcome = { kind: 'slice'; manifest: Manifest } | { kind: 'idle' } | { kind: 'rolled'; message: string };

export function newChainId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function archiveName(chainId: string, seq: number): string {
  return `${sliceBaseName(chainId, seq)}.bson.gz`;
}

export function manifestName(chainId: string, seq: number): string {
  return `${sliceBaseName(chainId, seq)}.manifest.json`;
}

/** Entry fields read without decoding the rest of the document. */
export function entryHead(raw: Uint8Array): { ts: Timestamp; wall: Date | null; ns: string } {
  const d = deserialize(raw, { promoteValues: false, fieldsAsRaw: { o: true, o2: true } });
  return { ts: d.ts as Timestamp, wall: d.wall instanceof Date ? d.wall : null, ns: typeof d.ns === 'string' ? d.ns : String(d.ns ?? '') };
}

/** DR Desk's control state is site-local: its entries never travel to the other site. */
const CONTROL_NS_PREFIX = `${CONTROL_DATABASE}.`;

/** Finishes an archive written as NAME.tmp, then publishes archive and manifest under their final names. */
export async function publishSlice(outbox: string, writer: ArchiveWriter, build: (summary: ArchiveSummary) => Manifest): Promise<Manifest> {
  const summary = await writer.finish();
  const manifest = build(summary);
  await rename(writer.path, join(outbox, manifest.archive));
  await writeFile(join(outbox, manifestName(manifest.chainId, manifest.seq)), encodeManifest(manifest), { mode: 0o600 });
  return manifest;
}

/** Why DC's oplog lacks a captured position: it rolled over (window too short) or was rolled back (failover). */
async function lostPositionMessage(dc: MongoClient, from: string): Promise<string> {
  const oldest = await dc.db('local').collection('oplog.rs').find({}, { sort: { $natural: 1 }, limit: 1, projection: { ts: 1 } }).next().catch(() => null);
  const oldestTs = oldest?.ts ? tsToText(oldest.ts) : null;
  if (oldestTs && compareTs(oldestTs, from) < 0)
    return `DC's oplog no longer holds the last captured position ${from} although it still has older entries: DC rolled that write back (a failover), so DR holds writes DC lost.`;
  return `DC's oplog no longer holds the last captured position ${from} (its oldest entry is now ${oldestTs ?? 'unknown'}): entries were lost before they could be captured, so the oplog window is shorter than the backup interval.`;
}

export async function captureIncrement(dc: MongoClient, chain: ChainRow, prev: SliceRow, dcVersion: string, deps: CaptureDeps): Promise<CaptureOutcome> {
  const from = prev.manifest.toTs;
  const seq = prev.seq + 1;
  const headCheckedAt = deps.headCheckedAt ?? new Date();
  deps.progress.phase('capture', `Reading DC's oplog after ${from}`, { slice: { chainId: chain.chainId, seq } });
  await mkdir(deps.outbox, { recursive: true });
  const cursor = dc
    .db('local')
    .collection('oplog.rs')
    .find({ ts: { $gte: textToTs(from) } }, { raw: true, batchSize: 10_000 });
  const tmp = join(deps.outbox, `${archiveName(chain.chainId, seq)}.tmp`);
  let writer: ArchiveWriter | null = null;
  let first = true;
  let last: Uint8Array | null = null;
  try {
    for await (const raw of cursor as AsyncIterable<Uint8Array>) {
      if (first) {
        first = false;
        const head = entryHead(raw);
        if (tsToText(head.ts) !== from) return { kind: 'rolled', message: await lostPositionMessage(dc, from) };
        continue;
      }
      if (entryHead(raw).ns.startsWith(CONTROL_NS_PREFIX)) continue;
      writer ??= new ArchiveWriter(tmp, deps.gzipLevel);
      await writer.write(raw);
      last = raw;
      if (writer.documents % 2000 === 0) {
        checkAborted(deps.signal);
        deps.progress.update({ documents: { done: writer.documents, total: null }, bytes: { done: writer.rawBytes, total: null } });
      }
    }
    if (first)
      return { kind: 'rolled', message: `DC's oplog holds nothing at or after the last captured position ${from}: it was truncated or replaced, so the chain cannot continue.` };
    if (!writer || !last) {
      deps.store.setIdleChecked(chain.chainId, headCheckedAt.getTime());
      return { kind: 'idle' };
    }
    const tail = entryHead(last);
    const w = writer;
    const manifest = await publishSlice(deps.outbox, w, (s) => ({
      format: MANIFEST_FORMAT,
      kind: 'increment',
      chainId: chain.chainId,
      seq,
      fromTs: from,
      toTs: tsToText(tail.ts),
      count: s.documents,
      bytes: s.bytes,
      rawBytes: s.rawBytes,
      sha256: s.sha256,
      prevManifestSha256: prev.manifestSha,
      dcVersion,
      replicaSet: chain.replicaSet,
      createdAt: new Date().toISOString(),
      headCheckedAt: headCheckedAt.toISOString(),
      lastWall: tail.wall ? tail.wall.toISOString() : null,
      archive: archiveName(chain.chainId, seq),
    }));
    writer = null;
    deps.store.addSlice(manifest, manifestSha256(manifest));
    deps.progress.update({ documents: { done: manifest.count, total: manifest.count }, message: `Captured slice #${seq}: ${manifest.count} entries` });
    return { kind: 'slice', manifest };
  } finally {
    await cursor.close().catch(() => undefined);
    if (writer) {
      writer.abort();
      await rm(tmp, { force: true });
    }
  }
}

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveWriter } from '../archive';
import type { BackupStore, ChainRow, SliceRow } from '../backup-store';
import { archiveName, publishSlice } from '../capture';
import { manifestSha256, MANIFEST_FORMAT, type Manifest } from '../manifest';
import { tsToText } from '../../connectors/oplog-ts';
import type { TailEntry } from './tailer';

/**
 * The open slice of continuous mode: entries are appended as the tailer delivers them (only entries DC's
 * majority has committed, so nothing here can be rolled back) and the slice is closed — archive, manifest
 * linked to the previous slice, row in SQLite — every `maxMs` or `maxRawBytes`, whichever comes first.
 * The archive is the same format and the manifest the same schema as an interval capture's, so shipping,
 * verification and the exactly-once apply are the existing ones.
 */
export interface SliceLimits {
  /** Close a slice this long after its first entry (ms). */
  maxMs: number;
  /** Close a slice once its uncompressed BSON reaches this size (bytes). */
  maxRawBytes: number;
}

export class OpenSlice {
  private writer: ArchiveWriter | null = null;
  private firstAt = 0;
  private last: TailEntry | null = null;

  constructor(
    private readonly chain: ChainRow,
    private readonly prev: SliceRow,
    private readonly outbox: string,
    private readonly dcVersion: string,
    private readonly gzipLevel?: number,
  ) {}

  get chainId(): string {
    return this.chain.chainId;
  }

  get seq(): number {
    return this.prev.seq + 1;
  }

  /** Where the tailer resumes after an error: the last entry in this slice, or where it starts. */
  get position(): string {
    return this.last ? tsToText(this.last.ts) : this.prev.manifest.toTs;
  }

  get entries(): number {
    return this.writer?.documents ?? 0;
  }

  get rawBytes(): number {
    return this.writer?.rawBytes ?? 0;
  }

  /** Due to close at `now` (ms, this process's clock). */
  due(now: number, limits: SliceLimits): boolean {
    return this.entries > 0 && (now - this.firstAt >= limits.maxMs || this.rawBytes >= limits.maxRawBytes);
  }

  async append(e: TailEntry, now: number): Promise<void> {
    if (!this.writer) {
      await mkdir(this.outbox, { recursive: true });
      this.writer = new ArchiveWriter(join(this.outbox, `${archiveName(this.chain.chainId, this.seq)}.tmp`), this.gzipLevel);
      this.firstAt = now;
    }
    await this.writer.write(e.raw);
    this.last = e;
  }

  /**
   * Publishes the slice and records it. `headCheckedAt` (DC time): every write DC's majority acknowledged
   * before it is in this slice or an earlier one — the caller passes it only when the tailer had read past
   * the majority point at that time, else the newest entry's own wall time is the honest claim.
   */
  async close(store: BackupStore, headCheckedAt: Date | null): Promise<Manifest> {
    const w = this.writer;
    const last = this.last;
    if (!w || !last) throw new Error('closing an empty slice');
    this.writer = null;
    const lastWall = last.wall ?? new Date(0);
    const manifest = await publishSlice(this.outbox, w, (s) => ({
      format: MANIFEST_FORMAT,
      kind: 'increment',
      chainId: this.chain.chainId,
      seq: this.seq,
      fromTs: this.prev.manifest.toTs,
      toTs: tsToText(last.ts),
      count: s.documents,
      bytes: s.bytes,
      rawBytes: s.rawBytes,
      sha256: s.sha256,
      prevManifestSha256: this.prev.manifestSha,
      dcVersion: this.dcVersion,
      replicaSet: this.chain.replicaSet,
      createdAt: new Date().toISOString(),
      headCheckedAt: (headCheckedAt && headCheckedAt.getTime() > lastWall.getTime() ? headCheckedAt : lastWall).toISOString(),
      lastWall: last.wall ? last.wall.toISOString() : null,
      archive: archiveName(this.chain.chainId, this.seq),
    }));
    store.addSlice(manifest, manifestSha256(manifest));
    return manifest;
  }

  /** Drops the partial archive (stop, or a chain that cannot continue): the entries are read again on resume. */
  async discard(): Promise<void> {
    const w = this.writer;
    this.writer = null;
    if (!w) return;
    w.abort();
    await rm(w.path, { force: true });
  }
}

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { DeskError } from '../../shared/errors';

/**
 * Slice archives: a stream of BSON documents (the bytes the server sent, never re-encoded) compressed with
 * gzip. The sha256 in the manifest is over the compressed file, so it can be checked on the far side with
 * `sha256sum` before anything is decompressed.
 */
export interface ArchiveSummary {
  /** Compressed size on disk. */
  bytes: number;
  /** Uncompressed BSON bytes. */
  rawBytes: number;
  documents: number;
  sha256: string;
}

const BLOCK_BYTES = 256 * 1024;

/** BSON caps a document at 16 MiB; anything claiming more than this is corruption, not data. */
const MAX_DOC_BYTES = 48 * 1024 * 1024;

export class ArchiveWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private compressed = 0;
  private raw = 0;
  private docs = 0;
  private failure: Error | null = null;
  /** Documents are gathered into blocks: one zlib call per small document would cost far more than the compression. */
  private block: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private blockUsed = 0;

  constructor(
    readonly path: string,
    level = 4,
  ) {
    this.gzip = createGzip({ level, chunkSize: 256 * 1024 });
    this.file = createWriteStream(path, { mode: 0o600 });
    this.gzip.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.compressed += chunk.length;
      if (!this.file.write(chunk)) {
        this.gzip.pause();
        this.file.once('drain', () => this.gzip.resume());
      }
    });
    const fail = (err: Error) => (this.failure ??= err);
    this.gzip.on('error', fail);
    this.file.on('error', fail);
  }

  get documents(): number {
    return this.docs;
  }

  get rawBytes(): number {
    return this.raw;
  }

  /**
   * Appends one BSON document. Returns a promise only when the block had to go to the compressor (then wait
   * for it: the compressor may be behind); most documents just join the block, and a hot loop need not pay a
   * promise for each (`const p = w.write(d); if (p) await p;`).
   */
  write(doc: Buffer | Uint8Array): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.writeError(this.failure));
    this.raw += doc.length;
    this.docs++;
    if (doc.length > BLOCK_BYTES - this.blockUsed || doc.length >= BLOCK_BYTES) return this.writeSlow(doc);
    this.block.set(doc, this.blockUsed);
    this.blockUsed += doc.length;
    return undefined;
  }

  private async writeSlow(doc: Buffer | Uint8Array): Promise<void> {
    await this.flushBlock();
    if (doc.length >= BLOCK_BYTES) {
      if (!this.gzip.write(doc)) await once(this.gzip, 'drain');
      return;
    }
    this.block.set(doc, this.blockUsed);
    this.blockUsed += doc.length;
  }

  private async flushBlock(): Promise<void> {
    if (!this.blockUsed) return;
    const full = this.block.subarray(0, this.blockUsed);
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.blockUsed = 0;
    if (!this.gzip.write(full)) await once(this.gzip, 'drain');
  }

  async finish(): Promise<ArchiveSummary> {
    await this.flushBlock();
    this.gzip.end();
    await once(this.gzip, 'end');
    if (this.failure) throw this.writeError(this.failure);
    await new Promise<void>((resolve, reject) => this.file.end((err?: Error | null) => (err ? reject(this.writeError(err)) : resolve())));
    return { bytes: this.compressed, rawBytes: this.raw, documents: this.docs, sha256: this.hash.digest('hex') };
  }

  /** Stops writing (on error or abort); the partial file is left for the caller to delete. */
  abort(): void {
    this.gzip.destroy();
    this.file.destroy();
  }

  private writeError(err: Error): DeskError {
    return new DeskError('ARCHIVE_WRITE_FAILED', `Cannot write the slice archive ${this.path}: ${err.message}. Check free space in the data directory.`);
  }
}

/** Yields every BSON document of an archive, in order, as its own buffer. */
export async function* readArchive(path: string): AsyncGenerator<Buffer> {
  const input = createReadStream(path).pipe(createGunzip({ chunkSize: 256 * 1024 }));
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let off = 0;
      while (pending.length - off >= 4) {
        const len = pending.readInt32LE(off);
        if (len < 5 || len > MAX_DOC_BYTES) throw corrupt(path, `a document claims ${len} bytes`);
        if (pending.length - off < len) break;
        yield pending.subarray(off, off + len);
        off += len;
      }
      pending = off === pending.length ? Buffer.alloc(0) : pending.subarray(off);
    }
  } catch (err) {
    if (err instanceof DeskError) throw err;
    throw corrupt(path, (err as Error).message);
  }
  if (pending.length) throw corrupt(path, `${pending.length} trailing bytes`);
}

function corrupt(path: string, why: string): DeskError {
  return new DeskError('ARCHIVE_CORRUPT', `The slice archive ${path} is damaged (${why}): it will not be applied; ship it again from DC or start a new baseline.`);
}

export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

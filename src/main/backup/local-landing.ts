import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeskError } from '../../shared/errors';
import { fileSha256 } from './archive';
import type { SliceRow } from './backup-store';
import { manifestName } from './capture';
import { fileMissingError, landedMismatchError, shipEach, sliceFileNames, sliceMissingError, type Landing, type LandingFile, type ShipResult, type SliceFiles } from './landing';
import { encodeManifest, parseManifest, type Manifest } from './manifest';
import { checkAborted } from './scheduler';

/**
 * A landing that is a directory on this machine: used when the receiving site's "host" is this machine
 * (the built-in sandbox, which has no SSH hosts). The same contract as the SSH landing: the archive is
 * copied through NAME.part (a partial copy resumes once its prefix is proven equal to the outbox's), its
 * sha256 is computed AT the landing after the copy, and the manifest is written only once it matches.
 */
const CHUNK = 1 << 20;

function ioError(what: string, path: string, err: unknown): DeskError {
  if (err instanceof DeskError) return err;
  return new DeskError('LANDING_IO_FAILED', `Cannot ${what} ${path} in the local landing: ${(err as Error).message}. Check free space and permissions of that directory.`);
}

async function prefixSha256(path: string, length: number): Promise<string> {
  const h = createHash('sha256');
  if (length > 0) for await (const chunk of createReadStream(path, { start: 0, end: length - 1, highWaterMark: CHUNK }) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.size,
    () => null,
  );
}

export class LocalLanding implements Landing {
  readonly kind = 'local' as const;

  constructor(readonly dir: string) {}

  get label(): string {
    return `local landing (sandbox): ${this.dir}`;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async ship(slice: SliceRow, outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }> {
    const m = slice.manifest;
    const file: LandingFile = { name: m.archive, localPath: join(outbox, m.archive), sha256: m.sha256, of: m };
    let r = { sent: 0, resumedFrom: 0 };
    if (existsSync(file.localPath)) r = await this.copyIn(file, onProgress, signal);
    // Already landed intact (the outbox copy was pruned after an earlier ship)? Then nothing is lost.
    else if ((await this.fileChecksum(m.archive)) !== m.sha256) throw sliceMissingError(m);
    await this.writeManifest(m);
    return r;
  }

  /** On this machine a batch is no cheaper than its slices: one by one. */
  shipMany(slices: SliceRow[], outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<ShipResult[]> {
    return shipEach(this, slices, outbox, onProgress, signal);
  }

  async shipFile(file: LandingFile, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }> {
    if ((await this.fileChecksum(file.name)) === file.sha256) return { sent: 0, resumedFrom: 0 };
    if (!existsSync(file.localPath)) throw fileMissingError(file);
    return this.copyIn(file, onProgress, signal);
  }

  /** The resumable copy, then the check at the landing: a copy that does not match is deleted and refused. */
  private async copyIn(f: LandingFile, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }> {
    const landed = this.path(f.name);
    await mkdir(this.dir, { recursive: true }).catch((err: unknown) => {
      throw ioError('create', this.dir, err);
    });
    const r = await this.copyResumable(f.localPath, landed, onProgress, signal).catch((err: unknown) => {
      throw ioError('copy to', landed, err);
    });
    const found = await fileSha256(landed).catch(() => null);
    if (found !== f.sha256) {
      await rm(landed, { force: true });
      throw landedMismatchError(f.name, f.sha256, found, `in ${this.label}`);
    }
    return { sent: r.total - r.resumedFrom, resumedFrom: r.resumedFrom };
  }

  /** Copies through `to.part`, continuing a partial copy whose prefix matches; returns where it resumed. */
  private async copyResumable(from: string, to: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ total: number; resumedFrom: number }> {
    const total = (await stat(from)).size;
    const part = `${to}.part`;
    let offset = (await sizeOf(part)) ?? 0;
    if (offset > total || (offset > 0 && (await prefixSha256(part, offset)) !== (await prefixSha256(from, offset)))) offset = 0;
    const out = createWriteStream(part, { flags: offset > 0 ? 'r+' : 'w', start: offset, mode: 0o600 });
    const done = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    let sent = offset;
    try {
      for await (const chunk of createReadStream(from, { start: offset, highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
        checkAborted(signal);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', r));
        sent += chunk.length;
        onProgress(sent, total);
      }
    } finally {
      out.end();
      await done;
    }
    const fh = await open(part, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(part, to);
    return { total, resumedFrom: offset };
  }

  private async writeManifest(m: Manifest): Promise<void> {
    await this.writeFile(manifestName(m.chainId, m.seq), encodeManifest(m));
  }

  async remoteManifest(m: Manifest): Promise<Manifest | null> {
    const name = manifestName(m.chainId, m.seq);
    const buf = await this.readFile(name);
    return buf ? parseManifest(buf, `${name} in ${this.label}`) : null;
  }

  async fetch(m: Manifest, localPath: string, onProgress: (done: number, total: number) => void): Promise<void> {
    await this.fetchFile(m.archive, localPath, m.bytes, onProgress);
  }

  async fetchFile(name: string, localPath: string, bytes: number, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const landed = this.path(name);
    try {
      checkAborted(signal);
      await copyFile(landed, localPath);
    } catch (err) {
      await rm(localPath, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DeskError('SLICE_MISSING_REMOTE', `${landed} is not in the local landing: it was deleted or never arrived.`, { path: landed });
      throw ioError('read', landed, err);
    }
    onProgress(bytes, bytes);
  }

  async remoteChecksum(m: Manifest): Promise<string | null> {
    return this.fileChecksum(m.archive);
  }

  async fileChecksum(name: string): Promise<string | null> {
    const landed = this.path(name);
    return existsSync(landed) ? fileSha256(landed) : null;
  }

  async exists(name: string): Promise<boolean> {
    return existsSync(this.path(name));
  }

  async readFile(name: string): Promise<Buffer | null> {
    const path = this.path(name);
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError('read', path, err);
    }
  }

  /** Writes a small file atomically (NAME.part, then rename), as the SSH landing does. */
  async writeFile(name: string, data: Buffer): Promise<void> {
    const path = this.path(name);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(`${path}.part`, data, { mode: 0o600 });
      await rename(`${path}.part`, path);
    } catch (err) {
      throw ioError('write', path, err);
    }
  }

  async remove(m: SliceFiles): Promise<void> {
    for (const name of sliceFileNames(m)) await rm(this.path(name), { force: true });
  }

  close(): void {}
}

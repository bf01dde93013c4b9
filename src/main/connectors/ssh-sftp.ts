import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { SFTPWrapper, Stats } from 'ssh2';
import { DeskError } from '../../shared/errors';
import { hostPortOf, type SshSession } from './ssh-client';

/**
 * File operations on the landing host over SFTP, plus the two shell commands the pipeline needs
 * (`sha256sum`, `mkdir -p`). Uploads go to NAME.part, resume from a verified prefix, then rename.
 */
export interface UploadOptions {
  /** Bytes per SFTP write request (OpenSSH's sftp-server accepts up to 255 KiB). */
  chunkSize?: number;
  /** Write requests kept in flight: the pipeline depth that hides the round trip. */
  concurrency?: number;
  onProgress?: (sent: number, total: number) => void;
}

export interface UploadResult {
  bytes: number;
  resumedFrom: number;
}

/** OpenSSH's sftp-server announces 255 KiB as its largest write (limits@openssh.com); bigger is split anyway. */
const DEFAULT_CHUNK = 255 * 1024;
/** 32 × 255 KiB ≈ 8 MiB in flight: covers the bandwidth-delay product of 80 MB/s at 100 ms round trip. */
const DEFAULT_CONCURRENCY = 32;
/** Chunks read from the local file per read call (one reused buffer). */
const READ_BLOCK_CHUNKS = 4;

function sftpError(op: string, path: string, session: SshSession, err: Error & { code?: number | string }): DeskError {
  return new DeskError('SFTP_FAILED', `SFTP ${op} of ${path} on ${hostPortOf(session.target)} failed: ${err.message}. Check the backupDir exists and is writable by the SSH user.`, {
    op,
    path,
    sftpCode: err.code,
  });
}

const call = <T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

export async function remoteStat(session: SshSession, path: string): Promise<Stats | null> {
  const sftp = await session.sftp();
  try {
    return await call<Stats>((cb) => sftp.stat(path, cb));
  } catch (err) {
    if ((err as { code?: number }).code === 2) return null; // SSH_FX_NO_SUCH_FILE
    throw sftpError('stat', path, session, err as Error);
  }
}

export async function remoteMkdirP(session: SshSession, dir: string): Promise<void> {
  const r = await session.exec(['mkdir', '-p', '--', dir]);
  if (r.code !== 0) throw new DeskError('SSH_MKDIR_FAILED', `Cannot create ${dir} on ${hostPortOf(session.target)}: ${r.stderr.trim() || `exit ${r.code}`}. Create it and give the SSH user write access.`);
}

/** sha256 of a remote file (or of its first `length` bytes), computed on the far side. */
export async function remoteSha256(session: SshSession, path: string, length?: number): Promise<string | null> {
  const r =
    length === undefined
      ? await session.exec(['sha256sum', '--', path], 300_000)
      : await session.exec({ pipeline: [['head', '-c', String(length), '--', path], ['sha256sum']] }, 300_000);
  // GNU sha256sum prefixes the line with a backslash when the file name holds a newline or backslash.
  const m = /^\\?([0-9a-f]{64})\b/.exec(r.stdout);
  if (r.code !== 0 || !m) return null;
  return m[1];
}

/**
 * sha256 of several remote files in one command (one round trip, not one per file): a missing file is null.
 * A name sha256sum escapes (a backslash or newline in it) is looked up again on its own.
 */
export async function remoteSha256Many(session: SshSession, paths: readonly string[]): Promise<Array<string | null>> {
  if (!paths.length) return [];
  const r = await session.exec(['sha256sum', '--', ...paths], 300_000);
  const byPath = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (m) byPath.set(m[2], m[1]);
  }
  return Promise.all(paths.map(async (p) => byPath.get(p) ?? (/[\\\n]/.test(p) ? remoteSha256(session, p) : null)));
}

async function localPrefixSha256(localPath: string, length: number): Promise<string> {
  const fh = await open(localPath, 'r');
  try {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < length; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return h.digest('hex');
  } finally {
    await fh.close();
  }
}

async function renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => sftp.ext_openssh_rename(from, to, cb));
  } catch {
    // Servers without posix-rename: plain SFTP rename refuses to overwrite, so remove the target first.
    await call<void>((cb) => sftp.unlink(to, cb)).catch(() => undefined);
    await call<void>((cb) => sftp.rename(from, to, cb));
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/**
 * Keeps up to `concurrency` SFTP write requests in flight, reading the local file ahead of them in blocks
 * of several chunks into one reused buffer. Reuse is safe because ssh2's `sftp.write` copies the data into
 * its request packet before it returns; it saves a large allocation per chunk (the profile showed a tenth
 * of the upload's CPU in the garbage collector) and one thread-pool read per block instead of per chunk.
 */
function pipelinedWrite(
  session: SshSession,
  sftp: SFTPWrapper,
  handle: Buffer,
  fh: FileHandle,
  offset: number,
  total: number,
  chunkSize: number,
  concurrency: number,
  onSent: (bytes: number) => void,
): Promise<void> {
  const chunksPerBlock = Math.max(1, Math.min(READ_BLOCK_CHUNKS, Math.floor(concurrency / 2)));
  const block = Buffer.allocUnsafe(chunkSize * chunksPerBlock);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      offClose();
      if (err) reject(err);
      else resolve();
    };
    // A cut connection never answers the writes in flight: fail the transfer at once.
    const offClose = session.onClose(() => finish(new Error('connection closed')));
    let sent = offset;
    let inFlight = 0;
    let reading = false;
    let pos = offset;
    let failure: Error | null = null;
    const onWritten = (len: number) => (err: Error | null | undefined) => {
      inFlight--;
      if (err) failure ??= err;
      else {
        sent += len;
        onSent(sent);
      }
      pump();
    };
    const pump = () => {
      if (settled) return;
      if (failure) {
        if (inFlight === 0 && !reading) finish(failure);
        return;
      }
      if (pos >= total && inFlight === 0 && !reading) return finish();
      // Read the next block only when all its chunks can go out at once, so the buffer is free again.
      if (reading || pos >= total || inFlight + chunksPerBlock > concurrency) return;
      reading = true;
      const at = pos;
      const len = Math.min(block.length, total - at);
      pos += len;
      fh.read(block, 0, len, at).then(
        ({ bytesRead }) => {
          reading = false;
          if (bytesRead !== len) {
            failure ??= new Error(`the local file shrank while it was being sent (read ${bytesRead} of ${len} bytes at ${at})`);
            return pump();
          }
          for (let o = 0; o < len; o += chunkSize) {
            const n = Math.min(chunkSize, len - o);
            inFlight++;
            sftp.write(handle, block, o, n, at + o, onWritten(n));
          }
          pump();
        },
        (err: Error) => {
          reading = false;
          failure ??= err;
          pump();
        },
      );
    };
    pump();
  });
}

/**
 * Uploads a local file to `remotePath` through `remotePath.part`. A partial file left by an interrupted
 * transfer is continued from its size once the far side proves its prefix equals ours; otherwise the
 * upload starts over. Writes are pipelined (`concurrency` requests in flight).
 */
export async function uploadResumable(session: SshSession, localPath: string, remotePath: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const total = (await stat(localPath)).size;
  const part = `${remotePath}.part`;
  const sftp = await session.sftp();

  let offset = 0;
  const partial = await remoteStat(session, part);
  if (partial && partial.size > 0 && partial.size <= total) {
    const [remote, local] = await Promise.all([remoteSha256(session, part, partial.size), localPrefixSha256(localPath, partial.size)]);
    if (remote === local) offset = partial.size;
  }

  let handle: Buffer;
  try {
    handle = await call<Buffer>((cb) => sftp.open(part, offset > 0 ? 'r+' : 'w', cb));
  } catch (err) {
    throw sftpError('open', part, session, err as Error);
  }
  const fh = await open(localPath, 'r');
  const resumedFrom = offset;
  try {
    const sent = { bytes: offset };
    await pipelinedWrite(session, sftp, handle, fh, offset, total, chunkSize, concurrency, (n) => {
      sent.bytes = n;
      opts.onProgress?.(n, total);
    }).catch((err: Error) => {
      throw session.isClosed
        ? new DeskError('SSH_TRANSFER_INTERRUPTED', `The transfer of ${remotePath} to ${hostPortOf(session.target)} was cut after ${sent.bytes} of ${total} bytes: it resumes from there on the next attempt.`, { sent: sent.bytes, total })
        : sftpError('write', part, session, err);
    });
    await call<void>((cb) => sftp.close(handle, cb));
    await renameOver(sftp, part, remotePath);
    return { bytes: total, resumedFrom };
  } finally {
    await fh.close();
  }
}

/** Writes a small file atomically (NAME.part, then rename). */
export async function remoteWriteFile(session: SshSession, remotePath: string, data: Buffer): Promise<void> {
  const sftp = await session.sftp();
  const part = `${remotePath}.part`;
  try {
    await call<void>((cb) => sftp.writeFile(part, data, cb));
    await renameOver(sftp, part, remotePath);
  } catch (err) {
    if (err instanceof DeskError) throw err;
    throw sftpError('write', remotePath, session, err as Error);
  }
}

export async function remoteReadFile(session: SshSession, remotePath: string): Promise<Buffer | null> {
  const sftp = await session.sftp();
  try {
    return await call<Buffer>((cb) => sftp.readFile(remotePath, cb));
  } catch (err) {
    if ((err as { code?: number }).code === 2) return null;
    throw sftpError('read', remotePath, session, err as Error);
  }
}

export async function downloadFile(session: SshSession, remotePath: string, localPath: string, onProgress?: (done: number, total: number) => void): Promise<void> {
  const sftp = await session.sftp();
  try {
    await call<void>((cb) => sftp.fastGet(remotePath, localPath, { concurrency: DEFAULT_CONCURRENCY, chunkSize: DEFAULT_CHUNK, step: (done, _chunk, total) => onProgress?.(done, total) }, cb));
  } catch (err) {
    if ((err as { code?: number }).code === 2) throw new DeskError('SLICE_MISSING_REMOTE', `${remotePath} is not on ${hostPortOf(session.target)}: it was deleted or never arrived.`, { path: remotePath });
    throw sftpError('download', remotePath, session, err as Error);
  }
}

export async function remoteList(session: SshSession, dir: string): Promise<string[]> {
  const sftp = await session.sftp();
  try {
    const entries = await call<Array<{ filename: string }>>((cb) => sftp.readdir(dir, cb));
    return entries.map((e) => e.filename).sort();
  } catch (err) {
    if ((err as { code?: number }).code === 2) return [];
    throw sftpError('list', dir, session, err as Error);
  }
}

export async function remoteUnlink(session: SshSession, path: string): Promise<void> {
  const sftp = await session.sftp();
  await call<void>((cb) => sftp.unlink(path, cb)).catch((err: Error & { code?: number }) => {
    if (err.code !== 2) throw sftpError('delete', path, session, err);
  });
}

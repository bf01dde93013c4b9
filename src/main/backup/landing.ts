import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { DeskError } from '../../shared/errors';
import type { SshHostConfig } from '../../shared/topology';
import { SshSession } from '../connectors/ssh-client';
import type { HostKeyPins, PinnedHostKey } from '../connectors/ssh-host-keys';
import { downloadFile, remoteMkdirP, remoteReadFile, remoteSha256, remoteSha256Many, remoteStat, remoteUnlink, remoteWriteFile, uploadResumable } from '../connectors/ssh-sftp';
import type { SecretStore } from '../store/secret-store';
import type { SliceRow } from './backup-store';
import { manifestName } from './capture';
import { encodeManifest, parseManifest, type Manifest } from './manifest';
import { isFinalSshError, withRetry } from './retry';

/**
 * Where slices land on the receiving site. The pipeline only talks to this interface: the SSH landing
 * (below) for real topologies, the local landing (local-landing.ts) when the receiving "host" is this
 * machine (the built-in sandbox). Each ships resumably, verifies the sha256 AT the landing after the copy,
 * writes the manifest only once the archive is intact there, and reads both back for the apply.
 */
export interface Landing {
  readonly kind: 'ssh' | 'local';
  /** The landing directory (on the far host for SSH). */
  readonly dir: string;
  /** How status and messages name it: "user@host:port /dir" or "local landing (sandbox): /dir". */
  readonly label: string;
  /** Ships a slice (resuming a partial copy) and checks it at the landing; returns the bytes copied. */
  ship(slice: SliceRow, outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }>;
  /**
   * Ships several small slices at once (a continuous run's backlog): archives uploaded a few at a time over
   * one session, their sha256 checked at the landing in one command, the manifests written together. One
   * result per slice, in order; a slice that fails does not stop the others.
   */
  shipMany(slices: SliceRow[], outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<ShipResult[]>;
  /** The manifest as the landing has it (null when absent). */
  remoteManifest(m: Manifest, signal?: AbortSignal): Promise<Manifest | null>;
  /** Copies a landed archive to `localPath` for the apply (the apply then checks its sha256 itself). */
  fetch(m: Manifest, localPath: string, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
  remoteChecksum(m: Manifest): Promise<string | null>;
  /**
   * Ships one more file of a slice (a baseline's part) the same way: resumable, checked at the landing, deleted
   * there and refused when it does not match. Nothing is sent when the landing holds it intact already.
   */
  shipFile(file: LandingFile, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }>;
  /** Copies one landed file to `localPath` (SLICE_MISSING_REMOTE when it is not there). */
  fetchFile(name: string, localPath: string, bytes: number, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
  /** The sha256 of one landed file (null when absent). */
  fileChecksum(name: string): Promise<string | null>;
  exists(name: string): Promise<boolean>;
  /** Reads / replaces one file of the landing directory (null when absent). */
  readFile(name: string): Promise<Buffer | null>;
  writeFile(name: string, data: Buffer): Promise<void>;
  /** Deletes a slice's files at the landing (archive, its parts, manifest, any partial copy). */
  remove(m: SliceFiles): Promise<void>;
  close(): void;
}

/** A file shipped beside a slice's archive: its name at the landing, where it is here, what it must hash to. */
export interface LandingFile {
  name: string;
  localPath: string;
  sha256: string;
  /** The slice it belongs to (for transfer hooks and messages). */
  of: Pick<Manifest, 'chainId' | 'seq'>;
}

export type SliceFiles = Pick<Manifest, 'chainId' | 'seq' | 'archive' | 'parts'>;

export type ShipResult = { ok: true; sent: number; resumedFrom: number } | { ok: false; error: DeskError };

/** Uploads at once within a batch: small files are round trips, not bandwidth, so several overlap. */
const BATCH_UPLOADS = 8;

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A landing without a batched path ships the slices one by one, with the same per-slice results. */
export async function shipEach(landing: Landing, slices: SliceRow[], outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<ShipResult[]> {
  const total = slices.reduce((n, sl) => n + sl.manifest.bytes, 0);
  const out: ShipResult[] = [];
  let base = 0;
  for (const sl of slices) {
    try {
      out.push({ ok: true, ...(await landing.ship(sl, outbox, (n) => onProgress(base + n, total), signal)) });
    } catch (err) {
      if (signal?.aborted) throw err;
      out.push({ ok: false, error: err instanceof DeskError ? err : new DeskError('TRANSFER_FAILED', (err as Error).message) });
    }
    base += sl.manifest.bytes;
  }
  return out;
}

/** Every file name a slice has at a landing, partial copies included. */
export function sliceFileNames(m: SliceFiles): string[] {
  const files = [m.archive, ...(m.parts ?? []).map((p) => p.archive)];
  return [...files.flatMap((f) => [f, `${f}.part`]), manifestName(m.chainId, m.seq)];
}

export function fileMissingError(f: LandingFile): DeskError {
  return new DeskError('SLICE_MISSING', `${f.name} of slice ${f.of.chainId}#${f.of.seq} is gone from the outbox and is not intact at the landing: chain broken — a new baseline is needed.`);
}

/** A slice whose archive is gone from the outbox and not intact at the landing cannot be delivered. */
export function sliceMissingError(m: Manifest): DeskError {
  return new DeskError('SLICE_MISSING', `Slice ${m.chainId}#${m.seq} (${m.archive}) is gone from the outbox and is not intact at the landing: chain broken — a new baseline is needed.`);
}

export function landedMismatchError(name: string, want: string, found: string | null, where: string): DeskError {
  return new DeskError('CHECKSUM_REMOTE_MISMATCH', `${name} arrived ${where} with sha256 ${found ?? '(unreadable)'} instead of ${want}: it was deleted there and is sent again.`);
}

export interface TransferTuning {
  chunkSize?: number;
  concurrency?: number;
}

export interface RetryTuning {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Test and diagnostics hook: sees every transfer's progress and the session carrying it. */
export type TransferHook = (info: { chainId: string; seq: number; sent: number; total: number }, session: SshSession) => void;

export interface LandingOptions {
  secrets: SecretStore;
  pins: HostKeyPins;
  timeoutMs: number;
  retry: RetryTuning;
  transfer?: TransferTuning;
  transferHook?: TransferHook;
  onRetry?: (what: string, err: unknown, attempt: number, delayMs: number) => void;
  onPinned?: (pin: PinnedHostKey) => void;
}

/**
 * The landing directory on the receiving site's SSH host: slices are shipped into it over SFTP (resumable,
 * checked on the far side with sha256sum) and read back from it for the apply. One connection is reused for
 * a cycle and re-opened when it drops; every attempt is retried with back-off unless retrying cannot help.
 */
export class SshLanding implements Landing {
  readonly kind = 'ssh' as const;
  private current: SshSession | null = null;

  constructor(
    readonly host: SshHostConfig,
    private readonly opts: LandingOptions,
  ) {}

  get dir(): string {
    return this.host.backupDir;
  }

  get label(): string {
    return `${this.host.username}@${this.host.host}:${this.host.port} ${this.host.backupDir}`;
  }

  remotePath(name: string): string {
    return posix.join(this.host.backupDir, name);
  }

  async session(): Promise<SshSession> {
    if (this.current && !this.current.isClosed) return this.current;
    const s = await SshSession.connect(this.host, { secrets: this.opts.secrets, pins: this.opts.pins, timeoutMs: this.opts.timeoutMs });
    if (s.hostKey.pinnedNow) this.opts.onPinned?.(s.hostKey.pin);
    this.current = s;
    return s;
  }

  private retry<T>(what: string, fn: (s: SshSession) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(async () => fn(await this.session()), {
      ...this.opts.retry,
      signal,
      retryable: (err) => !isFinalSshError(err) && !(err instanceof DeskError && err.code === 'SLICE_MISSING'),
      onRetry: (err, attempt, delay) => {
        this.current?.destroy();
        this.current = null;
        this.opts.onRetry?.(what, err, attempt, delay);
      },
    });
  }

  /**
   * Ships a slice: archive (resuming a partial upload), far-side sha256 check, then the manifest. A remote
   * copy that fails the check is deleted and sent again. Returns how many bytes went over the wire.
   */
  async ship(slice: SliceRow, outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }> {
    const m = slice.manifest;
    const file: LandingFile = { name: m.archive, localPath: join(outbox, m.archive), sha256: m.sha256, of: m };
    return this.retry(
      `shipping ${m.archive}`,
      async (s) => {
        const r = existsSync(file.localPath) ? await this.upload(s, file, onProgress) : null;
        // Already on DR intact (e.g. the local copy was pruned after a previous ship)? Then nothing is lost.
        if (!r && (await remoteSha256(s, this.remotePath(m.archive))) !== m.sha256) throw sliceMissingError(m);
        await remoteWriteFile(s, this.remotePath(manifestName(m.chainId, m.seq)), encodeManifest(m));
        return r ?? { sent: 0, resumedFrom: 0 };
      },
      signal,
    );
  }

  async shipFile(file: LandingFile, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<{ sent: number; resumedFrom: number }> {
    return this.retry(
      `shipping ${file.name}`,
      async (s) => {
        if ((await remoteSha256(s, this.remotePath(file.name))) === file.sha256) return { sent: 0, resumedFrom: 0 };
        if (!existsSync(file.localPath)) throw fileMissingError(file);
        return this.upload(s, file, onProgress);
      },
      signal,
    );
  }

  /** One resumable upload, then the far-side check: a copy that does not match is deleted and refused. */
  private async upload(s: SshSession, f: LandingFile, onProgress: (sent: number, total: number) => void): Promise<{ sent: number; resumedFrom: number }> {
    await remoteMkdirP(s, this.dir);
    const r = await this.transfer(s, f, onProgress);
    const far = await remoteSha256(s, this.remotePath(f.name));
    if (far !== f.sha256) {
      await remoteUnlink(s, this.remotePath(f.name));
      throw landedMismatchError(f.name, f.sha256, far, `on ${this.host.host}`);
    }
    return r;
  }

  private async transfer(s: SshSession, f: LandingFile, onProgress: (sent: number, total: number) => void): Promise<{ sent: number; resumedFrom: number }> {
    const r = await uploadResumable(s, f.localPath, this.remotePath(f.name), {
      ...this.opts.transfer,
      onProgress: (sent, total) => {
        onProgress(sent, total);
        this.opts.transferHook?.({ chainId: f.of.chainId, seq: f.of.seq, sent, total }, s);
      },
    });
    return { sent: r.bytes - r.resumedFrom, resumedFrom: r.resumedFrom };
  }

  async shipMany(slices: SliceRow[], outbox: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<ShipResult[]> {
    const total = slices.reduce((n, sl) => n + sl.manifest.bytes, 0);
    const files: LandingFile[] = slices.map(({ manifest: m }) => ({ name: m.archive, localPath: join(outbox, m.archive), sha256: m.sha256, of: m }));
    return this.retry(
      `shipping ${slices.length} slices`,
      async (s) => {
        await remoteMkdirP(s, this.dir);
        const done = files.map(() => 0);
        const sent: Array<{ sent: number; resumedFrom: number } | null> = files.map(() => null);
        await eachLimit(files, BATCH_UPLOADS, async (f, i) => {
          if (!existsSync(f.localPath)) return;
          sent[i] = await this.transfer(s, f, (n) => {
            done[i] = n;
            onProgress(done.reduce((a, b) => a + b, 0), total);
          });
        });
        const sums = await remoteSha256Many(s, files.map((f) => this.remotePath(f.name)));
        const results: ShipResult[] = [];
        for (const [i, f] of files.entries()) {
          if (sums[i] === f.sha256) results.push({ ok: true, ...(sent[i] ?? { sent: 0, resumedFrom: 0 }) });
          // Gone from the outbox and not intact at the landing (the outbox copy was pruned after an earlier ship).
          else if (!sent[i]) results.push({ ok: false, error: sliceMissingError(slices[i].manifest) });
          else {
            await remoteUnlink(s, this.remotePath(f.name));
            results.push({ ok: false, error: landedMismatchError(f.name, f.sha256, sums[i], `on ${this.host.host}`) });
          }
        }
        await Promise.all(slices.map(({ manifest: m }, i) => (results[i].ok ? remoteWriteFile(s, this.remotePath(manifestName(m.chainId, m.seq)), encodeManifest(m)) : undefined)));
        return results;
      },
      signal,
    );
  }

  async remoteManifest(m: Manifest, signal?: AbortSignal): Promise<Manifest | null> {
    const name = manifestName(m.chainId, m.seq);
    return this.retry(
      `reading ${name}`,
      async (s) => {
        const buf = await remoteReadFile(s, this.remotePath(name));
        return buf ? parseManifest(buf, `${name} on DR`) : null;
      },
      signal,
    );
  }

  async fetch(m: Manifest, localPath: string, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    await this.fetchFile(m.archive, localPath, m.bytes, onProgress, signal);
  }

  async fetchFile(name: string, localPath: string, _bytes: number, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    await this.retry(`reading ${name}`, (s) => downloadFile(s, this.remotePath(name), localPath, onProgress), signal).catch(async (err: unknown) => {
      await rm(localPath, { force: true });
      throw err;
    });
  }

  async remoteChecksum(m: Manifest): Promise<string | null> {
    return this.fileChecksum(m.archive);
  }

  async fileChecksum(name: string): Promise<string | null> {
    return this.retry(`checking ${name}`, (s) => remoteSha256(s, this.remotePath(name)));
  }

  async exists(name: string): Promise<boolean> {
    return this.retry(`checking ${name}`, async (s) => (await remoteStat(s, this.remotePath(name))) !== null);
  }

  async readFile(name: string): Promise<Buffer | null> {
    return this.retry(`reading ${name}`, (s) => remoteReadFile(s, this.remotePath(name)));
  }

  async writeFile(name: string, data: Buffer): Promise<void> {
    await this.retry(`writing ${name}`, (s) => remoteWriteFile(s, this.remotePath(name), data));
  }

  async remove(m: SliceFiles): Promise<void> {
    await this.retry(`deleting ${m.archive}`, async (s) => {
      for (const name of sliceFileNames(m)) await remoteUnlink(s, this.remotePath(name));
    });
  }

  close(): void {
    this.current?.close();
    this.current = null;
  }
}

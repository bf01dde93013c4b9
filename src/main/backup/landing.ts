import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { DeskError } from '../../shared/errors';
import type { SshHostConfig } from '../../shared/topology';
import { SshSession } from '../connectors/ssh-client';
import type { HostKeyPins, PinnedHostKey } from '../connectors/ssh-host-keys';
import { downloadFile, remoteMkdirP, remoteReadFile, remoteSha256, remoteStat, remoteUnlink, remoteWriteFile, uploadResumable } from '../connectors/ssh-sftp';
import type { SecretStore } from '../store/secret-store';
import type { SliceRow } from './backup-store';
import { manifestName } from './capture';
import { encodeManifest, parseManifest, type Manifest } from './manifest';
import { isFinalSshError, withRetry } from './retry';

/**
 * The DR landing directory, reached over SSH: slices are shipped into it (resumable, checked on the far
 * side with sha256sum) and read back from it for the apply. One connection is reused for a cycle and
 * re-opened when it drops; every attempt is retried with back-off unless retrying cannot help.
 */
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

export class Landing {
  private current: SshSession | null = null;

  constructor(
    readonly host: SshHostConfig,
    private readonly opts: LandingOptions,
  ) {}

  get dir(): string {
    return this.host.backupDir;
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
    const local = join(outbox, m.archive);
    const remote = this.remotePath(m.archive);
    return this.retry(
      `shipping ${m.archive}`,
      async (s) => {
        await remoteMkdirP(s, this.dir);
        if (!existsSync(local)) {
          // Already on DR intact (e.g. the local copy was pruned after a previous ship)? Then nothing is lost.
          if ((await remoteSha256(s, remote)) === m.sha256) {
            await remoteWriteFile(s, this.remotePath(manifestName(m.chainId, m.seq)), encodeManifest(m));
            return { sent: 0, resumedFrom: 0 };
          }
          throw new DeskError('SLICE_MISSING', `Slice ${m.chainId}#${m.seq} (${m.archive}) is gone from DC's outbox and is not intact on DR: chain broken — a new baseline is needed.`);
        }
        const r = await uploadResumable(s, local, remote, {
          ...this.opts.transfer,
          onProgress: (sent, total) => {
            onProgress(sent, total);
            this.opts.transferHook?.({ chainId: m.chainId, seq: m.seq, sent, total }, s);
          },
        });
        const far = await remoteSha256(s, remote);
        if (far !== m.sha256) {
          await remoteUnlink(s, remote);
          throw new DeskError('CHECKSUM_REMOTE_MISMATCH', `${m.archive} arrived on DR with sha256 ${far ?? '(unreadable)'} instead of ${m.sha256}: it was deleted there and is sent again.`);
        }
        await remoteWriteFile(s, this.remotePath(manifestName(m.chainId, m.seq)), encodeManifest(m));
        return { sent: r.bytes - r.resumedFrom, resumedFrom: r.resumedFrom };
      },
      signal,
    );
  }

  /** The manifest as DR has it (null when absent). */
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

  /** Copies a landed archive to `localPath` for the apply (the apply then checks its sha256 itself). */
  async fetch(m: Manifest, localPath: string, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    await this.retry(`reading ${m.archive}`, (s) => downloadFile(s, this.remotePath(m.archive), localPath, onProgress), signal).catch(async (err: unknown) => {
      await rm(localPath, { force: true });
      throw err;
    });
  }

  async remoteChecksum(m: Manifest): Promise<string | null> {
    return this.retry(`checking ${m.archive}`, (s) => remoteSha256(s, this.remotePath(m.archive)));
  }

  async exists(name: string): Promise<boolean> {
    return this.retry(`checking ${name}`, async (s) => (await remoteStat(s, this.remotePath(name))) !== null);
  }

  /** Deletes a slice's files on DR (archive, manifest, any partial upload). */
  async remove(m: Pick<Manifest, 'chainId' | 'seq' | 'archive'>): Promise<void> {
    await this.retry(`deleting ${m.archive}`, async (s) => {
      for (const name of [m.archive, `${m.archive}.part`, manifestName(m.chainId, m.seq)]) await remoteUnlink(s, this.remotePath(name));
    });
  }

  close(): void {
    this.current?.close();
    this.current = null;
  }
}

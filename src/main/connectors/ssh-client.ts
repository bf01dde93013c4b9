import { connect as netConnect, type Socket } from 'node:net';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { DeskError } from '../../shared/errors';
import type { SshHostConfig } from '../../shared/topology';
import { forPurpose, type SecretStore } from '../store/secret-store';
import type { SecretPurpose } from '../store/secret-names';
import { hostKeyChangedError, hostUnpinnedError, type HostKeyPins, type PinnedHostKey } from './ssh-host-keys';
import { shellCommand } from './shell-quote';
import { coalesceWrites } from './socket-coalesce';

/**
 * One SSH connection (ssh2, pure JS) to a backup landing host: key or password from the keychain, the host
 * key checked against its pin before any credential is sent, every operation under a deadline.
 */
export type SshTarget = Pick<SshHostConfig, 'name' | 'host' | 'port' | 'username' | 'keySecret' | 'passwordSecret' | 'passphraseSecret'> & Pick<Partial<SshHostConfig>, 'hostKeySha256'>;

export interface SshConnectOptions {
  secrets: SecretStore;
  pins: HostKeyPins;
  /** Deadline for TCP connect + handshake + authentication. */
  timeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function hostPortOf(t: Pick<SshTarget, 'host' | 'port'>): string {
  return `${t.host}:${t.port}`;
}

async function credentials(target: SshTarget, secrets: SecretStore): Promise<Pick<ConnectConfig, 'privateKey' | 'passphrase' | 'password'>> {
  // Typed reads: a reserved name (the signing key) or a stored key named as a password is refused here too,
  // whatever path built the target.
  const read = async (name: string, what: string, purpose: SecretPurpose, field: string) => {
    const v = await forPurpose(secrets, purpose).get(name, field);
    if (v === null)
      throw new DeskError('SSH_SECRET_MISSING', `The ${what} for SSH host "${target.name}" is the keychain secret "${name}", which is not set: add it under Settings → Secrets (or drdesk secret set ${name}).`);
    return v;
  };
  if (!target.keySecret && !target.passwordSecret)
    throw new DeskError('SSH_NO_CREDENTIALS', `SSH host "${target.name}" has neither keySecret nor passwordSecret in the topology: name the keychain secret that holds its key or password.`);
  return {
    ...(target.keySecret ? { privateKey: await read(target.keySecret, 'private key', 'ssh-key', 'keySecret') } : {}),
    ...(target.passphraseSecret ? { passphrase: await read(target.passphraseSecret, 'key passphrase', 'ssh-passphrase', 'passphraseSecret') } : {}),
    ...(target.passwordSecret ? { password: await read(target.passwordSecret, 'password', 'ssh-password', 'passwordSecret') } : {}),
  };
}

/** Maps ssh2's errors to operator sentences. The message never contains a credential. */
function connectError(err: Error & { level?: string; code?: string }, target: SshTarget, changed: DeskError | null): DeskError {
  if (changed) return changed;
  const where = `${target.username}@${hostPortOf(target)}`;
  if (err.level === 'client-authentication')
    return new DeskError('SSH_AUTH_FAILED', `SSH login as ${where} was refused: check that the keychain secret ${target.keySecret ? `"${target.keySecret}" holds a key authorized on the host` : `"${target.passwordSecret}" holds the right password`}.`);
  if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH')
    return new DeskError('SSH_UNREACHABLE', `Cannot reach the SSH server at ${hostPortOf(target)} (${err.code}): check that sshd runs there and the port is open.`);
  if (err.level === 'client-timeout' || /timed out/i.test(err.message))
    return new DeskError('SSH_TIMEOUT', `The SSH server at ${hostPortOf(target)} did not complete the handshake in time: check the network path to it.`);
  return new DeskError('SSH_CONNECT_FAILED', `SSH connection to ${where} failed: ${err.message}.`);
}

export class SshSession {
  private sftpPromise: Promise<SFTPWrapper> | null = null;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();
  /** Cipher and MAC negotiated client→server (the upload direction), for benchmarks and diagnostics. */
  negotiated: { cipher: string; mac: string } | null = null;

  private constructor(
    readonly target: SshTarget,
    readonly hostKey: { pin: PinnedHostKey; pinnedNow: boolean },
    private readonly client: Client,
    private readonly socket: Socket,
  ) {
    client.on('close', () => this.markClosed());
    socket.on('close', () => this.markClosed());
  }

  private markClosed(): void {
    this.closed = true;
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }

  /** Calls `listener` once when the connection ends (at once if it already has); returns the unsubscribe. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => void this.closeListeners.delete(listener);
  }

  static async connect(target: SshTarget, opts: SshConnectOptions): Promise<SshSession> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const creds = await credentials(target, opts.secrets);
    const hostPort = hostPortOf(target);
    return new Promise<SshSession>((resolve, reject) => {
      let changed: DeskError | null = null;
      let verdict: { pin: PinnedHostKey; pinnedNow: boolean } | null = null;
      // Our own socket, so a cut (network fault, test hook) is a real abrupt close of the TCP stream.
      const socket = netConnect({ host: target.host, port: target.port });
      coalesceWrites(socket);
      const client = new Client();
      let negotiated: SshSession['negotiated'] = null;
      client.once('handshake', (n) => (negotiated = { cipher: n.cs.cipher, mac: n.cs.mac }));
      const timer = setTimeout(() => {
        client.destroy();
        socket.destroy();
        reject(new DeskError('SSH_TIMEOUT', `The SSH server at ${hostPort} did not answer within ${timeoutMs} ms: check the network path and that sshd runs there.`));
      }, timeoutMs);
      const fail = (err: Error & { level?: string; code?: string }) => {
        clearTimeout(timer);
        client.destroy();
        socket.destroy();
        reject(connectError(err, target, changed));
      };
      socket.once('error', fail);
      client.once('error', fail);
      client.once('ready', () => {
        clearTimeout(timer);
        socket.removeListener('error', fail);
        client.removeListener('error', fail);
        // Later errors surface through the pending operation (its channel closes); keep them from crashing.
        client.on('error', () => undefined);
        const session = new SshSession(target, verdict as { pin: PinnedHostKey; pinnedNow: boolean }, client, socket);
        session.negotiated = negotiated;
        resolve(session);
      });
      client.connect({
        sock: socket,
        username: target.username,
        ...creds,
        readyTimeout: timeoutMs,
        keepaliveInterval: 5_000,
        keepaliveCountMax: 3,
        // Runs during key exchange, before any authentication message: returning false ends the connection
        // with no password or key sent.
        hostVerifier: (key: Buffer) => {
          const v = opts.pins.check(hostPort, key, target.hostKeySha256);
          if (v.kind === 'changed') {
            changed = hostKeyChangedError(hostPort, v.pin.fingerprint, v.offered);
            return false;
          }
          if (v.kind === 'unpinned') {
            changed = hostUnpinnedError(hostPort, v.offered, v.keyType);
            return false;
          }
          verdict = { pin: v.pin, pinnedNow: v.kind === 'pinned-now' };
          return true;
        },
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs a command built from an argument vector (each argument shell-quoted) or from quoted pipeline parts. */
  exec(argv: readonly string[] | { pipeline: ReadonlyArray<readonly string[]> }, timeoutMs = 60_000): Promise<ExecResult> {
    const command = Array.isArray(argv) ? shellCommand(argv) : (argv as { pipeline: ReadonlyArray<readonly string[]> }).pipeline.map(shellCommand).join(' | ');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DeskError('SSH_EXEC_TIMEOUT', `The remote command on ${hostPortOf(this.target)} did not finish within ${timeoutMs} ms: the host may be overloaded or the disk stuck.`));
        this.destroy();
      }, timeoutMs);
      this.client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
        if (err) {
          clearTimeout(timer);
          reject(new DeskError('SSH_EXEC_FAILED', `Could not run a command on ${hostPortOf(this.target)}: ${err.message}.`));
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        channel.on('data', (d: Buffer) => out.push(d));
        channel.stderr.on('data', (d: Buffer) => errOut.push(d));
        let code: number | null = null;
        channel.on('exit', (c: number | null) => (code = c));
        channel.on('close', () => {
          clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') });
        });
      });
    });
  }

  sftp(): Promise<SFTPWrapper> {
    if (!this.sftpPromise)
      this.sftpPromise = new Promise((resolve, reject) =>
        this.client.sftp((err, sftp) =>
          err ? reject(new DeskError('SFTP_UNAVAILABLE', `The SSH server at ${hostPortOf(this.target)} refused the SFTP subsystem: enable "Subsystem sftp" in its sshd_config.`)) : resolve(sftp),
        ),
      );
    return this.sftpPromise;
  }

  /** Graceful close. */
  close(): void {
    this.client.end();
    this.markClosed();
  }

  /** Abrupt close of the TCP stream, as a network failure would do. */
  destroy(): void {
    this.socket.destroy();
    this.client.destroy();
    this.markClosed();
  }
}

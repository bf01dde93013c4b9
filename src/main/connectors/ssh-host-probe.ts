import { Client } from 'ssh2';
import { DeskError } from '../../shared/errors';
import { sshFingerprint, sshKeyType } from './ssh-host-keys';

export interface OfferedHostKey {
  hostPort: string;
  fingerprint: string;
  keyType: string;
}

/**
 * Asks an SSH server for its host key and hangs up during key exchange: the verifier always answers "no",
 * so no user name, password or key is ever sent. This is what `trust-host` and the Credentials page show
 * the operator before a pin is stored.
 */
export function probeHostKey(host: string, port: number, timeoutMs = 10_000): Promise<OfferedHostKey> {
  const hostPort = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: OfferedHostKey | null = null;
    const timer = setTimeout(() => finish(new DeskError('SSH_TIMEOUT', `The SSH server at ${hostPort} did not offer a host key within ${timeoutMs} ms: check that sshd runs there and the port is open.`)), timeoutMs);
    const finish = (err: DeskError | null) => {
      clearTimeout(timer);
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      client.destroy();
      if (offered) resolve(offered);
      else reject(err ?? new DeskError('SSH_CONNECT_FAILED', `The SSH server at ${hostPort} closed the connection before offering a host key.`));
    };
    client.on('error', (err: Error & { code?: string }) =>
      finish(
        err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
          ? new DeskError('SSH_UNREACHABLE', `Cannot reach the SSH server at ${hostPort} (${err.code}): check that sshd runs there and the port is open.`)
          : new DeskError('SSH_CONNECT_FAILED', `SSH connection to ${hostPort} failed: ${err.message}.`),
      ),
    );
    client.on('close', () => finish(null));
    client.connect({
      host,
      port,
      // A placeholder: authentication is never reached because the verifier refuses every key.
      username: 'drdesk-host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = { hostPort, fingerprint: sshFingerprint(key), keyType: sshKeyType(key) };
        setImmediate(() => finish(null));
        return false;
      },
    });
  });
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH sshd on 127.0.0.1 for integration tests: its own temp dir, host key, config and an
 * ephemeral port; a throwaway login user (password + authorized key) created for this server alone and
 * removed on stop. Runs in the foreground (-D) as our child, so stopping it is a kill by its pid.
 */
export const SSHD = '/usr/sbin/sshd';
export const sshdSkipReason: string | null = !existsSync(SSHD)
  ? `${SSHD} is missing (apt-get install openssh-server)`
  : process.getuid?.() !== 0
    ? 'the sshd tests create a login user and need root'
    : null;

export interface SshdHandle {
  host: string;
  port: number;
  dir: string;
  user: string;
  /** A random canary password, unique to this server. */
  password: string;
  /** An OpenSSH private key authorized for `user`. */
  privateKey: string;
  /** A directory the user owns, for backup slices. */
  landingDir: string;
  hostKeyFingerprint(): string;
  log(): string;
  /** Restarts on the same port; with newHostKey the server presents a different host key. */
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
  /** Kills every per-connection sshd process (cuts open sessions), keeping the listener. */
  killSessions(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForBanner(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString('latin1').startsWith('SSH-2.0'));
      });
      s.once('error', () => resolve(false));
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not start listening on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function retry<T>(fn: () => T, what: string): T {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (err) {
      // useradd/userdel take a lock on /etc/passwd; a parallel test file may hold it for a moment.
      if (i >= 20) throw new Error(`${what}: ${(err as Error).message}`);
      execFileSync('sleep', ['0.2']);
    }
  }
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

export async function startSshd(): Promise<SshdHandle> {
  if (sshdSkipReason) throw new Error(sshdSkipReason);
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-sshd-'));
  chmodSync(dir, 0o755);
  const user = `drdt${randomBytes(4).toString('hex')}`;
  const password = `canary-${randomBytes(12).toString('hex')}`;
  const home = join(dir, 'home');
  const landingDir = join(home, 'landing');
  mkdirSync(landingDir, { recursive: true });
  retry(() => execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', user], { stdio: 'pipe' }), 'useradd');
  retry(() => execFileSync('chpasswd', [], { input: `${user}:${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] }), 'chpasswd');
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  chownSync(home, uid, gid);
  chownSync(landingDir, uid, gid);

  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drdesk-test-client', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const privateKey = readFileSync(join(dir, 'client_key'), 'utf8');

  const port = await freePort();
  const cfg = join(dir, 'sshd_config');
  const logFile = join(dir, 'sshd.log');
  let hostKeyN = 0;
  const makeHostKey = () => {
    hostKeyN++;
    const f = join(dir, `hostkey${hostKeyN}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
    writeFileSync(
      cfg,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${f}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin no',
        `AllowUsers ${user}`,
        'UseDNS no',
        'MaxStartups 64',
        'LogLevel VERBOSE',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
  };
  makeHostKey();

  let child: ChildProcess | null = null;
  const launch = async () => {
    child = spawn(SSHD, ['-D', '-f', cfg, '-E', logFile], { stdio: 'ignore' });
    await waitForBanner(port, 10_000);
  };
  const killSessions = () => {
    const pid = child?.pid;
    if (!pid) return;
    for (const p of childPids(pid)) {
      for (const grandChild of childPids(p)) process.kill(grandChild, 'SIGKILL');
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    killSessions();
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await launch();

  return {
    host: '127.0.0.1',
    port,
    dir,
    user,
    password,
    privateKey,
    landingDir,
    hostKeyFingerprint: () => execFileSync('ssh-keygen', ['-l', '-f', join(dir, `hostkey${hostKeyN}.pub`)], { encoding: 'utf8' }).split(' ')[1],
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    restart: async (opts = {}) => {
      await halt();
      if (opts.newHostKey) makeHostKey();
      await launch();
    },
    killSessions,
    stop: async () => {
      await halt();
      retry(() => execFileSync('userdel', [user], { stdio: 'pipe' }), 'userdel');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

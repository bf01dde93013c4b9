/**
 * Upload of one 256 MB archive to a real sshd on loopback: DR Desk's ssh2 SFTP upload (pipelined writes,
 * resumable) against OpenSSH `scp` to the same server, measured in the same run. Also ssh2's own fastPut
 * for reference. Run as root: npx tsx bench/backup/sftp-vs-scp.ts [sizeMB]
 */
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshSession } from '../../src/main/connectors/ssh-client';
import { HostKeyPins } from '../../src/main/connectors/ssh-host-keys';
import { uploadResumable } from '../../src/main/connectors/ssh-sftp';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { startSshd } from '../../test/helpers/sshd';

const sizeMb = Number(process.argv[2] ?? 256);
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-sftp-'));
const file = join(work, 'archive.bin');
// Random bytes: a compressed archive does not compress further, and neither side may cheat with compression.
const fd = openSync(file, 'w');
for (let i = 0; i < sizeMb; i++) writeSync(fd, randomBytes(1024 * 1024));
closeSync(fd);
const bytes = statSync(file).size;

const sshd = await startSshd();
const secrets = new MemorySecretStore();
await secrets.set('bench-key', sshd.privateKey, 'ssh-key');
const pins = new HostKeyPins(new Database(':memory:'));
const target = { name: 'bench', host: sshd.host, port: sshd.port, username: sshd.user, keySecret: 'bench-key' };
const remote = (name: string) => join(sshd.landingDir, name);

async function timed(label: string, fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(44)} ${s.toFixed(2)} s  ${(bytes / 1024 / 1024 / s).toFixed(1)} MB/s`);
  return s;
}

try {
  console.log(`Uploading ${sizeMb} MB to sshd on 127.0.0.1:${sshd.port} (${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}), load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  const scp = await timed('OpenSSH scp', async () => {
    execFileSync('scp', ['-q', '-P', String(sshd.port), '-i', join(sshd.dir, 'client_key'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', file, `${sshd.user}@${sshd.host}:${remote('scp.bin')}`]);
  });
  // Each ssh2 run includes its own connect, handshake and login, as scp's does.
  const withSession = async (fn: (s: SshSession) => Promise<void>) => {
    const session = await SshSession.connect(target, { secrets, pins });
    try {
      await fn(session);
    } finally {
      session.close();
    }
  };
  const ours = await timed('DR Desk ssh2 SFTP (128 KiB × 16 in flight)', () => withSession(async (s) => void (await uploadResumable(s, file, remote('ours.bin')))));
  const wide = await timed('DR Desk ssh2 SFTP (255 KiB × 32 in flight)', () =>
    withSession(async (s) => void (await uploadResumable(s, file, remote('wide.bin'), { chunkSize: 255 * 1024, concurrency: 32 }))),
  );
  const fast = await timed('ssh2 fastPut (32 KiB × 64)', () =>
    withSession(async (s) => {
      const sftp = await s.sftp();
      await new Promise<void>((resolve, reject) => sftp.fastPut(file, remote('fastput.bin'), { concurrency: 64, chunkSize: 32 * 1024 }, (err) => (err ? reject(err) : resolve())));
    }),
  );
  for (const n of ['scp.bin', 'ours.bin', 'wide.bin', 'fastput.bin']) if (statSync(remote(n)).size !== bytes) throw new Error(`${n} arrived incomplete`);
  console.log(`\nthroughput ratio vs scp (target >= 0.8): DR Desk default ${(scp / ours).toFixed(2)}, wide ${(scp / wide).toFixed(2)}, fastPut ${(scp / fast).toFixed(2)}`);
} finally {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
}

/**
 * Upload of one archive to a real sshd on loopback: DR Desk's ssh2 SFTP upload (pipelined writes,
 * resumable) against OpenSSH `scp` to the same server, interleaved over several rounds in the same run
 * (medians reported, with the load average around each round, because the machine may be shared). Each
 * tool's negotiated client→server cipher is printed. A second part runs both through the same in-process
 * link throttle (bandwidth cap + one-way latency, see src/main/connectors/link-throttle.ts).
 *
 * Run as root: npx tsx bench/backup/sftp-vs-scp.ts [sizeMB=256] [rounds=5] [linkMBps=20] [latencyMs=50] [linkSizeMB=64]
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThrottledLink } from '../../src/main/connectors/link-throttle';
import { SshSession } from '../../src/main/connectors/ssh-client';
import { HostKeyPins } from '../../src/main/connectors/ssh-host-keys';
import { uploadResumable, type UploadOptions } from '../../src/main/connectors/ssh-sftp';
import { MemorySecretStore } from '../../src/main/store/memory-secret-store';
import { startSshd } from '../../test/helpers/sshd';

const [sizeMb, rounds, linkMBps, latencyMs, linkSizeMb] = [256, 5, 20, 50, 64].map((d, i) => Number(process.argv[2 + i] ?? d));
const MB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'drdesk-bench-sftp-'));
// Random bytes: a compressed archive does not compress further, and neither side may cheat with compression.
const makeFile = (name: string, mb: number) => {
  const f = join(work, name);
  const fd = openSync(f, 'w');
  for (let i = 0; i < mb; i++) writeSync(fd, randomBytes(MB));
  closeSync(fd);
  return f;
};
const file = makeFile('archive.bin', sizeMb);
const linkFile = makeFile('link.bin', linkSizeMb);

const sshd = await startSshd();
const secrets = new MemorySecretStore();
await secrets.set('bench-key', sshd.privateKey, 'ssh-key');
const pins = new HostKeyPins(new Database(':memory:'));
// The fingerprint comes from the server's own key file, as an operator would confirm it.
pins.pin(`${sshd.host}:${sshd.port}`, sshd.hostKeyFingerprint(), 'ssh-ed25519');
const remote = (name: string) => join(sshd.landingDir, name);
const load1 = () => loadavg()[0];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * scp with its own defaults (or a forced cipher); returns the cipher it negotiated, from its -v log.
 * Asynchronous on purpose: the throttle runs in this process, and a blocking spawn would stall it.
 */
async function scp(src: string, dest: string, port: number, cipher?: string): Promise<string> {
  const child = spawn(
    'scp',
    ['-v', '-P', String(port), '-i', join(sshd.dir, 'client_key'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', ...(cipher ? ['-c', cipher] : []), src, `${sshd.user}@${sshd.host}:${dest}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-256 * 1024)));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (status !== 0) throw new Error(`scp failed: ${stderr.split('\n').slice(-5).join(' ')}`);
  const m = /kex: client->server cipher: (\S+) MAC: (\S+)/.exec(stderr);
  return m ? `${m[1]}${m[2] === '<implicit>' ? '' : ` + ${m[2]}`}` : 'unknown';
}

/** One DR Desk upload including its own connect, handshake and login, as scp's does. */
async function ours(src: string, dest: string, port: number, opts: UploadOptions = {}): Promise<string> {
  const session = await SshSession.connect({ name: 'bench', host: sshd.host, port, username: sshd.user, keySecret: 'bench-key' }, { secrets, pins });
  try {
    await uploadResumable(session, src, dest, opts);
    const n = session.negotiated;
    return n ? `${n.cipher}${n.mac ? ` + ${n.mac}` : ''}` : 'unknown';
  } finally {
    session.close();
  }
}

interface Variant {
  label: string;
  run: () => Promise<string>;
}

async function race(title: string, bytes: number, variants: Variant[], n: number): Promise<Map<string, number>> {
  console.log(`\n${title}`);
  const times = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const cipherOf = new Map<string, string>();
  const loads: number[] = [];
  for (let r = 0; r < n; r++) {
    // Rotate the order each round so no variant always runs first (or right after another's I/O).
    const order = variants.map((_, i) => variants[(i + r) % variants.length]);
    for (const v of order) {
      loads.push(load1());
      const t0 = process.hrtime.bigint();
      cipherOf.set(v.label, await v.run());
      times.get(v.label)!.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  }
  const rates = new Map<string, number>();
  for (const v of variants) {
    const ts = times.get(v.label)!;
    const rate = bytes / MB / median(ts);
    rates.set(v.label, rate);
    console.log(`  ${v.label.padEnd(40)} median ${median(ts).toFixed(2)} s  ${rate.toFixed(1).padStart(6)} MB/s  [${ts.map((t) => (bytes / MB / t).toFixed(0)).join(' ')}]  cipher ${cipherOf.get(v.label)}`);
  }
  console.log(`  load average (1 min) during the rounds: min ${Math.min(...loads).toFixed(2)}, median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}`);
  return rates;
}

try {
  console.log(`sshd on 127.0.0.1:${sshd.port} (${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}), ${cpus().length} cores, /proc/loadavg at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const bytes = statSync(file).size;
  const direct = await race(`Loopback, ${sizeMb} MB, ${rounds} interleaved rounds:`, bytes, [
    { label: 'OpenSSH scp (its default cipher)', run: () => scp(file, remote('scp.bin'), sshd.port) },
    { label: 'OpenSSH scp -c aes128-gcm', run: () => scp(file, remote('scp-gcm.bin'), sshd.port, 'aes128-gcm@openssh.com') },
    { label: 'DR Desk SFTP (defaults: 255 KiB × 32)', run: () => ours(file, remote('ours.bin'), sshd.port) },
    { label: 'DR Desk SFTP (old: 128 KiB × 16)', run: () => ours(file, remote('old.bin'), sshd.port, { chunkSize: 128 * 1024, concurrency: 16 }) },
    { label: 'DR Desk SFTP (255 KiB × 16)', run: () => ours(file, remote('mid.bin'), sshd.port, { chunkSize: 255 * 1024, concurrency: 16 }) },
  ], rounds);
  for (const n of ['scp.bin', 'scp-gcm.bin', 'ours.bin', 'old.bin']) if (statSync(remote(n)).size !== bytes) throw new Error(`${n} arrived incomplete`);
  const scpRate = direct.get('OpenSSH scp (its default cipher)')!;
  console.log(`  ratio DR Desk / scp (goal >= 0.9): ${(direct.get('DR Desk SFTP (defaults: 255 KiB × 32)')! / scpRate).toFixed(2)} (vs scp -c aes128-gcm: ${(direct.get('DR Desk SFTP (defaults: 255 KiB × 32)')! / direct.get('OpenSSH scp -c aes128-gcm')!).toFixed(2)}; old settings ${(direct.get('DR Desk SFTP (old: 128 KiB × 16)')! / scpRate).toFixed(2)})`);

  const shape = { bytesPerSecond: linkMBps * MB, latencyMs };
  const link = await startThrottledLink({ host: sshd.host, port: sshd.port }, { up: shape, down: shape });
  pins.pin(`${link.host}:${link.port}`, sshd.hostKeyFingerprint(), 'ssh-ed25519');
  try {
    const linkBytes = statSync(linkFile).size;
    const rtt = (2 * latencyMs) / 1000;
    console.log(`\nThrottled link: ${linkMBps} MB/s each way, ${latencyMs} ms one way (RTT ${rtt * 1000} ms, bandwidth-delay product ${(linkMBps * rtt).toFixed(1)} MB); sshd's 2 MiB channel window caps any one channel at ${(2 / rtt).toFixed(1)} MB/s at this RTT`);
    const throttled = await race(`Through the throttle, ${linkSizeMb} MB, ${Math.max(2, Math.ceil(rounds / 2))} rounds:`, linkBytes, [
      { label: 'OpenSSH scp (its default cipher)', run: () => scp(linkFile, remote('scp-link.bin'), link.port) },
      { label: 'DR Desk SFTP (defaults: 255 KiB × 32)', run: () => ours(linkFile, remote('ours-link.bin'), link.port) },
      { label: 'DR Desk SFTP (old: 128 KiB × 16)', run: () => ours(linkFile, remote('old-link.bin'), link.port, { chunkSize: 128 * 1024, concurrency: 16 }) },
    ], Math.max(2, Math.ceil(rounds / 2)));
    for (const n of ['scp-link.bin', 'ours-link.bin', 'old-link.bin']) if (statSync(remote(n)).size !== linkBytes) throw new Error(`${n} arrived incomplete through the throttle`);
    const t = throttled.get('DR Desk SFTP (defaults: 255 KiB × 32)')!;
    console.log(`  ratio DR Desk / scp through the link: ${(t / throttled.get('OpenSSH scp (its default cipher)')!).toFixed(2)}; link utilisation DR Desk ${((100 * t) / linkMBps).toFixed(0)} %, scp ${((100 * throttled.get('OpenSSH scp (its default cipher)')!) / linkMBps).toFixed(0)} %`);
  } finally {
    await link.close();
  }
  console.log(`\n/proc/loadavg at end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`);
} finally {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
}

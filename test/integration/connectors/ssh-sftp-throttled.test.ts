import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrottledLink, type ThrottledLink } from '../../../src/main/connectors/link-throttle';
import { SshSession, type SshTarget } from '../../../src/main/connectors/ssh-client';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { remoteSha256, uploadResumable } from '../../../src/main/connectors/ssh-sftp';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { sshdSkipReason, startSshd, type SshdHandle } from '../../helpers/sshd';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(sshdSkipReason !== null)(`SFTP upload through the in-process link throttle${sshdSkipReason ? ` (skipped: ${sshdSkipReason})` : ''}`, () => {
  let sshd: SshdHandle;
  let link: ThrottledLink;
  let work: string;
  let target: SshTarget;
  const secrets = new MemorySecretStore();
  const pins = new HostKeyPins(new Database(':memory:'));

  beforeAll(async () => {
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'drdesk-throttled-'));
    await secrets.set('k', sshd.privateKey, 'ssh-key');
    // Different rates and latencies each way, so a mix-up of the directions would still deliver but
    // a reordering or a lost piece would not go unnoticed by the checksums.
    link = await startThrottledLink({ host: sshd.host, port: sshd.port }, { up: { bytesPerSecond: 40 * 1024 * 1024, latencyMs: 15 }, down: { bytesPerSecond: 8 * 1024 * 1024, latencyMs: 25 } });
    pins.pin(`${link.host}:${link.port}`, sshd.hostKeyFingerprint(), 'ssh-ed25519');
    target = { name: 'throttled', host: link.host, port: link.port, username: sshd.user, keySecret: 'k' };
  });
  afterAll(async () => {
    await link?.close();
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('arrives byte-identical (sha256 on both sides) and every byte crossed the link', async () => {
    const data = randomBytes(6 * 1024 * 1024 + 12_345);
    const local = join(work, 'slice.bin');
    writeFileSync(local, data);
    const before = link.stats().up;
    const s = await SshSession.connect(target, { secrets, pins });
    try {
      // The fast native AES-GCM, not ssh2's JavaScript chacha20-poly1305.
      expect(s.negotiated?.cipher).toMatch(/^aes(128|256)-gcm@openssh\.com$/);
      const dest = join(sshd.landingDir, 'slice.bin');
      const r = await uploadResumable(s, local, dest);
      expect(r).toEqual({ bytes: data.length, resumedFrom: 0 });
      expect(await remoteSha256(s, dest)).toBe(sha256(data));
      expect(sha256(readFileSync(dest))).toBe(sha256(data));
    } finally {
      s.close();
    }
    expect(link.stats().up - before).toBeGreaterThan(data.length);
  });

  it('stays byte-identical with odd chunk sizes and one request in flight', async () => {
    const data = randomBytes(1024 * 1024 + 7);
    const local = join(work, 'odd.bin');
    writeFileSync(local, data);
    const s = await SshSession.connect(target, { secrets, pins });
    try {
      const dest = join(sshd.landingDir, 'odd.bin');
      await uploadResumable(s, local, dest, { chunkSize: 77_777, concurrency: 1 });
      expect(sha256(readFileSync(dest))).toBe(sha256(data));
      await uploadResumable(s, local, join(sshd.landingDir, 'odd3.bin'), { chunkSize: 100_003, concurrency: 3 });
      expect(sha256(readFileSync(join(sshd.landingDir, 'odd3.bin')))).toBe(sha256(data));
    } finally {
      s.close();
    }
  });
});

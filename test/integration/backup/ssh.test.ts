import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSession, type SshTarget } from '../../../src/main/connectors/ssh-client';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { remoteSha256, uploadResumable } from '../../../src/main/connectors/ssh-sftp';
import { DeskError } from '../../../src/shared/errors';
import { sshdSkipReason, startSshd, type SshdHandle } from '../../helpers/sshd';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

describe.skipIf(sshdSkipReason !== null)(`SSH and SFTP against a real OpenSSH sshd${sshdSkipReason ? ` (skipped: ${sshdSkipReason})` : ''}`, () => {
  let sshd: SshdHandle;
  let work: string;
  const secrets = new MemorySecretStore();
  const db = new Database(':memory:');
  const pins = new HostKeyPins(db);
  let target: SshTarget;

  beforeAll(async () => {
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'drdesk-ssh-test-'));
    await secrets.set('dr-ssh-password', sshd.password, 'password');
    await secrets.set('dr-ssh-key', sshd.privateKey, 'ssh-key');
    target = { name: 'dr-landing', host: sshd.host, port: sshd.port, username: sshd.user, passwordSecret: 'dr-ssh-password' };
  });
  afterAll(async () => {
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('refuses the host until its key is pinned, then logs in with a password and shows its fingerprint', async () => {
    const unpinned = await SshSession.connect(target, { secrets, pins }).catch((e: unknown) => e);
    expect((unpinned as DeskError).code).toBe('SSH_HOST_UNPINNED');
    expect((unpinned as DeskError).message).toContain(sshd.hostKeyFingerprint());
    const s = await SshSession.connect({ ...target, hostKeySha256: sshd.hostKeyFingerprint() }, { secrets, pins });
    expect(s.hostKey.pinnedNow).toBe(true);
    expect(s.hostKey.pin.fingerprint).toBe(sshd.hostKeyFingerprint());
    expect(pins.get(`${sshd.host}:${sshd.port}`)?.fingerprint).toBe(sshd.hostKeyFingerprint());
    s.close();
    const again = await SshSession.connect({ ...target, passwordSecret: undefined, keySecret: 'dr-ssh-key' }, { secrets, pins });
    expect(again.hostKey.pinnedNow).toBe(false);
    again.close();
  });

  it('passes hostile file names to remote commands as single words', async () => {
    const s = await SshSession.connect(target, { secrets, pins });
    const name = `x'; touch pwned; echo '$(id)\`id\` "a b"\n-rf *`;
    const path = join(sshd.landingDir, name);
    writeFileSync(path, 'hello');
    const echo = await s.exec(['printf', '%s', name]);
    expect(echo.stdout).toBe(name);
    expect(await remoteSha256(s, path)).toBe(createHash('sha256').update('hello').digest('hex'));
    expect(existsSync(join(sshd.landingDir, 'pwned'))).toBe(false);
    s.close();
  });

  it('resumes an upload cut in the middle and the far-side checksum matches', async () => {
    const local = join(work, 'big.bin');
    const data = randomBytes(6 * 1024 * 1024);
    writeFileSync(local, data);
    const remote = join(sshd.landingDir, 'big.bin');
    const s1 = await SshSession.connect(target, { secrets, pins });
    const cut = await uploadResumable(s1, local, remote, {
      onProgress: (sent) => {
        if (sent > 2 * 1024 * 1024) s1.destroy();
      },
    }).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(DeskError);
    expect((cut as DeskError).code).toBe('SSH_TRANSFER_INTERRUPTED');
    expect(existsSync(remote)).toBe(false);
    const s2 = await SshSession.connect(target, { secrets, pins });
    const r = await uploadResumable(s2, local, remote);
    expect(r.resumedFrom).toBeGreaterThan(0);
    expect(await remoteSha256(s2, remote)).toBe(createHash('sha256').update(data).digest('hex'));
    expect(readFileSync(remote).equals(data)).toBe(true);
    s2.close();
  });

  it('refuses a changed host key with the old and new fingerprints', async () => {
    const old = sshd.hostKeyFingerprint();
    await sshd.restart({ newHostKey: true });
    const fresh = sshd.hostKeyFingerprint();
    expect(fresh).not.toBe(old);
    const err = await SshSession.connect(target, { secrets, pins }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeskError);
    expect((err as DeskError).code).toBe('SSH_HOST_KEY_CHANGED');
    expect((err as DeskError).message).toContain(old);
    expect((err as DeskError).message).toContain(fresh);
    expect(pins.get(`${sshd.host}:${sshd.port}`)?.fingerprint).toBe(old);
  });

  it('reports a wrong password without echoing any secret', async () => {
    await secrets.set('wrong', 'definitely-not-it', 'password');
    pins.pin(`${sshd.host}:${sshd.port}`, sshd.hostKeyFingerprint());
    const err = await SshSession.connect({ ...target, passwordSecret: 'wrong' }, { secrets, pins }).catch((e: unknown) => e);
    expect((err as DeskError).code).toBe('SSH_AUTH_FAILED');
    expect((err as DeskError).message).not.toContain('definitely-not-it');
  });
});

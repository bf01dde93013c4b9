import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as backupCli } from '../../../src/main/cli/commands/backup';
import { HostKeyPins, sshFingerprint } from '../../../src/main/connectors/ssh-host-keys';
import { openDatabase } from '../../../src/main/store/database';

/** `drdesk backup trust-host` against an ssh2 server that records every authentication attempt. */
describe('drdesk backup trust-host', () => {
  let server: Server;
  let port = 0;
  let fingerprint = '';
  const attempts: string[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drdesk-trust-'));
    const key = utils.generateKeyPairSync('ed25519');
    const pub = utils.parseKey(key.public);
    if (pub instanceof Error) throw pub;
    fingerprint = sshFingerprint(pub.getPublicSSH());
    server = new Server({ hostKeys: [key.private] }, (c) => {
      c.on('error', () => undefined);
      c.on('authentication', (ctx) => {
        attempts.push(`${ctx.method}:${ctx.username}`);
        ctx.reject();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const pinned = () => {
    const db = openDatabase(join(dir, 'desk.sqlite'));
    try {
      return new HostKeyPins(db.db).get(`127.0.0.1:${port}`)?.fingerprint ?? null;
    } finally {
      db.close();
    }
  };

  it('without a terminal and without the fingerprint it pins nothing and says which fingerprint it saw', async () => {
    const err = await backupCli(['trust-host', `127.0.0.1:${port}`, '--data-dir', dir]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIRMATION_NEEDED' });
    expect((err as Error).message).toContain(fingerprint);
    expect(pinned()).toBeNull();
  });

  it('a fingerprint that does not match what the host offers pins nothing', async () => {
    const other = sshFingerprint(Buffer.from('some other key'));
    const err = await backupCli(['trust-host', `127.0.0.1:${port}`, other, '--data-dir', dir]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_FINGERPRINT_MISMATCH' });
    expect(pinned()).toBeNull();
  });

  it('the matching fingerprint is pinned, and the host never saw a credential', async () => {
    expect(await backupCli(['trust-host', `127.0.0.1:${port}`, fingerprint, '--data-dir', dir])).toBe(0);
    expect(pinned()).toBe(fingerprint);
    expect(attempts).toEqual([]);
  });
});

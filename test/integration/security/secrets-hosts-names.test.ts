import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils, type Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackupService } from '../../../src/main/cli/open-backup';
import { run as secretCli } from '../../../src/main/cli/commands/secret';
import { validateTopology } from '../../../src/main/config/topology-file';
import { SshSession, type SshTarget } from '../../../src/main/connectors/ssh-client';
import { HostKeyPins, sshFingerprint } from '../../../src/main/connectors/ssh-host-keys';
import { probeHostKey } from '../../../src/main/connectors/ssh-host-probe';
import { openDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { DeskError } from '../../../src/shared/errors';

/**
 * The attacks on secrets, host keys and names, as they were tried: a topology naming the signing key as an
 * SSH password, a fake sshd that logs every credential it is offered, hostile names, a loose data directory.
 */

interface FakeSshd {
  port: number;
  fingerprint: string;
  /** Every authentication attempt: method, user name, and the password or key it carried. */
  attempts: Array<{ method: string; username: string; secret: string }>;
  close(): Promise<void>;
}

async function startFakeSshd(): Promise<FakeSshd> {
  const key = utils.generateKeyPairSync('ed25519');
  const pub = utils.parseKey(key.public);
  if (pub instanceof Error) throw pub;
  const attempts: FakeSshd['attempts'] = [];
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [key.private] }, (client) => {
    clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      const secret = ctx.method === 'password' ? ctx.password : ctx.method === 'publickey' ? ctx.key.data.toString('base64') : '';
      attempts.push({ method: ctx.method, username: ctx.username, secret });
      // Accepts a password so a test can see that a pinned host really does get one (the logger works).
      if (ctx.method === 'password') ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    fingerprint: sshFingerprint(pub.getPublicSSH()),
    attempts,
    close: () =>
      new Promise((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

const IDENTITY_NAME = `identity.${'ab'.repeat(20)}`;
const SIGNING_KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIFAKESIGNINGKEYFORTHISTESTONLY0000000000\n-----END PRIVATE KEY-----\n';

function topology(over: { ssh?: Record<string, unknown>; auth?: Record<string, unknown> } = {}) {
  return {
    sites: [
      { name: 'DC', role: 'dc', replicaSets: [{ name: 'rs-dc', members: [{ name: 'dc-1', host: '127.0.0.1', port: 27017, role: 'primary' }], ...(over.auth ? { auth: over.auth } : {}) }] },
      {
        name: 'DR',
        role: 'dr',
        replicaSets: [{ name: 'rs-dr', members: [{ name: 'dr-1', host: '127.0.0.1', port: 27018, role: 'primary' }] }],
        ssh: [{ name: 'dr-landing', host: '127.0.0.1', port: 2222, username: 'drdesk', passwordSecret: 'dr-ssh-password', ...over.ssh }],
      },
    ],
  };
}

function refusal(fn: () => unknown): DeskError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DeskError);
    return err as DeskError;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(p: Promise<unknown>): Promise<DeskError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeskError);
  return err as DeskError;
}

describe('the signing key cannot leave through a topology', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'drdesk-sec-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['sites[1].ssh[0].passwordSecret', { ssh: { passwordSecret: IDENTITY_NAME } }],
    ['sites[1].ssh[0].keySecret', { ssh: { passwordSecret: undefined, keySecret: IDENTITY_NAME } }],
    ['sites[1].ssh[0].passphraseSecret', { ssh: { keySecret: 'k', passphraseSecret: 'drdesk.audit-hwm.x' } }],
    ['sites[0].replicaSets[0].auth.passwordSecret', { auth: { username: 'app', passwordSecret: 'IDENTITY.' + 'cd'.repeat(20) } }],
  ])('refuses %s naming a reserved secret at load, naming the field', (field, over) => {
    const err = refusal(() => validateTopology(topology(over), 't.yaml'));
    expect(err.code).toBe('TOPOLOGY_SECRET_RESERVED');
    expect(err.message).toContain(`${field}:`);
    expect(err.message).toMatch(/reserved keychain name/);
  });

  it('`drdesk backup run` with such a topology stops at load: nothing is read from the keychain or sent', async () => {
    const file = join(dir, 'evil.json');
    writeFileSync(file, JSON.stringify(topology({ ssh: { passwordSecret: IDENTITY_NAME } })));
    const secrets = new MemorySecretStore();
    await secrets.set(IDENTITY_NAME, SIGNING_KEY, 'other');
    let reads = 0;
    const spy = Object.assign(Object.create(secrets) as MemorySecretStore, { get: async (n: string) => (reads++, secrets.get(n)) });
    const err = await refusalOf(openBackupService({ topologyPath: file, dataDir: join(dir, 'data'), secrets: spy }));
    expect(err.code).toBe('TOPOLOGY_SECRET_RESERVED');
    expect(reads).toBe(0);
  });

  it('the SSH client refuses a reserved name even when a target bypasses the topology, before connecting', async () => {
    const sshd = await startFakeSshd();
    try {
      const secrets = new MemorySecretStore();
      await secrets.set(IDENTITY_NAME, SIGNING_KEY, 'other');
      const pins = new HostKeyPins(new Database(':memory:'));
      pins.pin(`127.0.0.1:${sshd.port}`, sshd.fingerprint);
      const target: SshTarget = { name: 'x', host: '127.0.0.1', port: sshd.port, username: 'u', passwordSecret: IDENTITY_NAME };
      const err = await refusalOf(SshSession.connect(target, { secrets, pins, timeoutMs: 5000 }));
      expect(err.code).toBe('SECRET_NAME_RESERVED');
      expect(sshd.attempts).toEqual([]);
    } finally {
      await sshd.close();
    }
  });

  it('a stored SSH key is never sent as a password', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('dr-key', 'PRIVATE KEY TEXT', 'ssh-key');
    const pins = new HostKeyPins(new Database(':memory:'));
    const err = await refusalOf(SshSession.connect({ name: 'x', host: '127.0.0.1', port: 1, username: 'u', passwordSecret: 'dr-key' }, { secrets, pins }));
    expect(err.code).toBe('SECRET_KIND_MISMATCH');
    expect(err.message).toContain('passwordSecret');
  });

  it('`drdesk secret set/delete` refuse identity.* and drdesk.* before reading any value', async () => {
    for (const args of [['set', IDENTITY_NAME], ['delete', IDENTITY_NAME], ['set', 'drdesk.roster-pin.x'], ['delete', 'Identity.x']]) {
      const err = await refusalOf(secretCli([...args, '--data-dir', join(dir, 'cli')]));
      expect(err.code).toBe('SECRET_NAME_RESERVED');
    }
  });

  it('reserved records are not listed with the credentials, but the engine still reads them', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(IDENTITY_NAME, SIGNING_KEY, 'other');
    await secrets.set('db-pw', 'x', 'password');
    expect((await secrets.list()).map((s) => s.name)).toEqual(['db-pw']);
    expect(await secrets.get(IDENTITY_NAME)).toBe(SIGNING_KEY);
  });
});

describe('no silent trust on first use: a fake sshd that logs every credential', () => {
  let sshd: FakeSshd;
  const secrets = new MemorySecretStore();
  const PASSWORD = 'canary-password-7f3a';
  let target: SshTarget;
  beforeAll(async () => {
    sshd = await startFakeSshd();
    await secrets.set('dr-ssh-password', PASSWORD, 'password');
    target = { name: 'dr-landing', host: '127.0.0.1', port: sshd.port, username: 'drdesk', passwordSecret: 'dr-ssh-password' };
  });
  afterAll(() => sshd.close());

  it('an unpinned host is refused before authentication, with the fingerprint it offered; the server logged nothing', async () => {
    const pins = new HostKeyPins(new Database(':memory:'));
    const err = await refusalOf(SshSession.connect(target, { secrets, pins, timeoutMs: 5000 }));
    expect(err.code).toBe('SSH_HOST_UNPINNED');
    expect(err.message).toContain(sshd.fingerprint);
    expect(err.message).toContain('trust-host');
    expect(sshd.attempts).toEqual([]);
    expect(pins.get(`127.0.0.1:${sshd.port}`)).toBeNull();
  });

  it('a pinned fingerprint that does not match is refused; the server logged nothing', async () => {
    const pins = new HostKeyPins(new Database(':memory:'));
    const other = sshFingerprint(Buffer.from('another host key'));
    pins.pin(`127.0.0.1:${sshd.port}`, other);
    const err = await refusalOf(SshSession.connect(target, { secrets, pins, timeoutMs: 5000 }));
    expect(err.code).toBe('SSH_HOST_KEY_CHANGED');
    expect(err.message).toContain(other);
    expect(err.message).toContain(sshd.fingerprint);
    expect(sshd.attempts).toEqual([]);
  });

  it("the topology's hostKeySha256 wins over a stored pin, and a mismatch is refused", async () => {
    const pins = new HostKeyPins(new Database(':memory:'));
    pins.pin(`127.0.0.1:${sshd.port}`, sshd.fingerprint);
    const err = await refusalOf(SshSession.connect({ ...target, hostKeySha256: sshFingerprint(Buffer.from('x')) }, { secrets, pins, timeoutMs: 5000 }));
    expect(err.code).toBe('SSH_HOST_KEY_CHANGED');
    expect(sshd.attempts).toEqual([]);
  });

  it('trust-host probing shows the key without sending a credential', async () => {
    const offered = await probeHostKey('127.0.0.1', sshd.port, 5000);
    expect(offered.fingerprint).toBe(sshd.fingerprint);
    expect(offered.keyType).toBe('ssh-ed25519');
    expect(sshd.attempts).toEqual([]);
  });

  it('once pinned (here from the topology) the same server does receive the password: the logger is real', async () => {
    const pins = new HostKeyPins(new Database(':memory:'));
    const s = await SshSession.connect({ ...target, hostKeySha256: sshd.fingerprint }, { secrets, pins, timeoutMs: 5000 });
    s.close();
    expect(sshd.attempts.some((a) => a.method === 'password' && a.secret === PASSWORD)).toBe(true);
    expect(pins.get(`127.0.0.1:${sshd.port}`)?.fingerprint).toBe(sshd.fingerprint);
  });
});

describe('names that reach commands are refused at load, naming the field', () => {
  it.each([
    ['sites[1].ssh[0].services[0]', { services: ['--version'] }, /starts with "-"/],
    ['sites[1].ssh[0].host', { host: 'dr-host\nsystemctl start evil' }, /control character/],
    ['sites[1].ssh[0].host', { host: '-oProxyCommand=touch /tmp/pwned' }, /starts with "-"/],
    ['sites[1].ssh[0].username', { username: 'root;id' }, /not a login name/],
    ['sites[1].ssh[0].username', { username: '$(id)' }, /not a login name/],
    ['sites[1].ssh[0].host', { host: 'h`id`' }, /not a host name/],
    ['sites[1].ssh[0].services[0]', { services: ['app;reboot'] }, /not a systemd unit name/],
    ['sites[1].ssh[0].services[0]', { services: ['$(id).service'] }, /not a systemd unit name/],
    ['sites[1].ssh[0].services[0]', { services: ['`id`'] }, /not a systemd unit name/],
    ['sites[1].ssh[0].services[0]', { services: ['app service'] }, /whitespace/],
    ['sites[1].ssh[0].backupDir', { backupDir: 'relative/dir' }, /absolute path/],
  ])('%s %j', (field, ssh, why: RegExp) => {
    const err = refusal(() => validateTopology(topology({ ssh }), 't.yaml'));
    expect(err.code).toBe('TOPOLOGY_INVALID');
    expect(err.message).toContain(`${field}:`);
    expect(err.message).toMatch(why);
  });

  it('a member host with a newline is refused', () => {
    const t = topology();
    (t.sites[0].replicaSets[0].members[0] as { host: string }).host = 'a\nb';
    const err = refusal(() => validateTopology(t, 't.yaml'));
    expect(err.message).toContain('sites[0].replicaSets[0].members[0].host:');
  });

  it('ordinary names still load: templates, dots, IPv6 hosts', () => {
    const t = validateTopology(topology({ ssh: { host: '::1', services: ['app.service', 'worker@2.service', 'mongod', 'sys-fs-fuse\\x2dconnections.mount'] } }), 't.yaml');
    expect(t.sites[1].ssh[0].services).toHaveLength(4);
  });
});

describe('data directory modes', () => {
  it('a pre-existing 0755 directory is tightened to 0700; database, WAL, SHM, roster and settings are 0600', () => {
    const base = mkdtempSync(join(tmpdir(), 'drdesk-modes-'));
    try {
      const dir = join(base, 'data');
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755);
      for (const f of ['roster.json', 'settings.json']) {
        writeFileSync(join(dir, f), '{}');
        chmodSync(join(dir, f), 0o644);
      }
      const db = openDatabase(join(dir, 'desk.sqlite'));
      db.db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect(mode(dir)).toBe(0o700);
      for (const f of ['desk.sqlite', 'desk.sqlite-wal', 'desk.sqlite-shm', 'roster.json', 'settings.json']) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
      db.close();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRosterSource } from '../../../src/main/approvals/roster-source';
import { connectMember } from '../../../src/main/connectors/mongo-endpoints';
import { MongoMemberProbe } from '../../../src/main/connectors/mongo-member';
import { createMongoAccess } from '../../../src/main/runbooks/steps/mongo-access';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { refusalOf } from '../../unit/approvals/fixtures';
import type { MemberConfig, ReplicaSetConfig, Topology } from '../../../src/shared/topology';

/**
 * A topology's database password is read for that purpose only: a secret stored as an SSH key (or any
 * reserved record) named as `passwordSecret` is refused by each of the three readers — the monitor's probe,
 * backup's connections and the runbook executor's — before a connection is opened. Nothing listens on the
 * port used, so a reader that skipped the check would fail with a connection error instead.
 */
const SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-password\n-----END OPENSSH PRIVATE KEY-----\n';
const member: MemberConfig = { name: 'dc-1', host: '127.0.0.1', port: 1, role: 'primary' } as MemberConfig;

function rs(passwordSecret: string): ReplicaSetConfig {
  return { name: 'rs-dc', members: [member], auth: { username: 'app', passwordSecret, authSource: 'admin' } } as ReplicaSetConfig;
}

describe('database passwords are typed by purpose', () => {
  let secrets: MemorySecretStore;
  beforeAll(async () => {
    secrets = new MemorySecretStore();
    await secrets.set('dr-landing-key', SSH_KEY, 'ssh-key');
    await secrets.set('dc-password', 'hunter2', 'password');
  });

  it("the monitor's probe refuses an SSH key named as a DB password, and reads a password", async () => {
    type Options = { clientOptions(): Promise<{ auth?: { password?: string } }> };
    const probe = (passwordSecret: string) => new MongoMemberProbe({ site: 'DC', replicaSet: rs(passwordSecret), member }, { timeoutMs: 500, secrets }) as unknown as Options;
    const err = await refusalOf(probe('dr-landing-key').clientOptions());
    expect(err.code).toBe('SECRET_KIND_MISMATCH');
    expect(err.message).toContain('passwordSecret');
    expect((await probe('dc-password').clientOptions()).auth?.password).toBe('hunter2');
  });

  it("backup's connection refuses it before connecting", async () => {
    const err = await refusalOf(connectMember(rs('dr-landing-key'), member, { secrets, timeoutMs: 500 }));
    expect(err.code).toBe('SECRET_KIND_MISMATCH');
  });

  it("the runbook executor's access refuses it, and refuses a reserved name", async () => {
    const topology = { sites: [{ name: 'DC', role: 'dc', replicaSets: [rs('dr-landing-key')] }] } as unknown as Topology;
    const access = createMongoAccess(topology, secrets);
    try {
      const err = await refusalOf(access.command('127.0.0.1:1', { ping: 1 }, { timeoutMs: 500 }));
      expect(err.code).toBe('SECRET_KIND_MISMATCH');
    } finally {
      await access.close();
    }
    const reserved = { sites: [{ name: 'DC', role: 'dc', replicaSets: [rs(`identity.${'ab'.repeat(20)}`)] }] } as unknown as Topology;
    const access2 = createMongoAccess(reserved, secrets);
    try {
      expect((await refusalOf(access2.command('127.0.0.1:1', { ping: 1 }, { timeoutMs: 500 }))).code).toBe('SECRET_NAME_RESERVED');
    } finally {
      await access2.close();
    }
  });
});

describe('the roster file is written 0600', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'drdesk-roster-mode-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a fresh save, and a save over an existing file, leave it 0600 even with a permissive umask', async () => {
    const old = process.umask(0);
    try {
      const src = new FileRosterSource(join(dir, 'sub', 'roster.json'));
      await src.save([]);
      expect(statSync(join(dir, 'sub', 'roster.json')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
      await src.save([]);
      expect(statSync(join(dir, 'sub', 'roster.json')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });
});

import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { FileRosterSource } from '../../../src/main/approvals/roster-source';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import type { SecretStore } from '../../../src/main/store/secret-store';
import { cosigned, joinSecondAdmin, T0 } from './fixtures';

/**
 * The roster rollback attack as it was tried: roster.json replaced on disk by an older signed version (which
 * brings back a removed approver), and the same with an older copy of the whole database restored too.
 * Shared by the unit test (memory keychain) and the integration test (a real Secret Service).
 */
export function rosterRollbackAttacks(label: string, secretsFor: (dir: string) => SecretStore, cleanup: (s: SecretStore) => Promise<void> = async () => undefined): void {
  const root = mkdtempSync(join(tmpdir(), 'drdesk-rollback-'));
  const stores: SecretStore[] = [];
  afterAll(async () => {
    for (const s of stores) await cleanup(s);
    rmSync(root, { recursive: true, force: true });
  });
  let now = T0.getTime();
  const clock = { now: () => new Date((now += 1000)) };

  async function setup(name: string) {
    const dir = join(root, name);
    const secrets = secretsFor(dir);
    stores.push(secrets);
    const rosterPath = join(dir, 'roster.json');
    const db = new Database(':memory:');
    const admin = new DeskApprovals({ db, secrets, roster: new FileRosterSource(rosterPath), clock });
    const it1 = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new FileRosterSource(join(dir, 'it-roster.json')), clock });
    await admin.createIdentity('Ada Admin');
    await it1.createIdentity('Ivan IT');
    const biz = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new FileRosterSource(join(dir, 'biz-roster.json')), clock });
    await biz.createIdentity('Bea Business');
    await admin.initRoster();
    // v2: Ivan joins as second admin; v3: both add Bea as approver; v4: Ada alone removes her (a removal).
    await joinSecondAdmin(admin, it1, ['admin', 'approver'], 'IT');
    await cosigned(admin, it1, [{ op: 'add', enrollmentToken: (await biz.exportEnrollmentToken()).token, roles: ['approver'], group: 'business' }]);
    copyFileSync(rosterPath, join(dir, 'roster-v3.json'));
    const v3db = db.serialize();
    const removed = await admin.proposeRosterChange([{ op: 'remove', fingerprint: biz.getIdentity()?.fingerprint ?? '' }]);
    expect(removed.pending).toBeNull();
    return { dir, db, secrets, rosterPath, admin, it1, v3db };
  }

  it(`${label}: an older signed roster.json put back is refused (ROSTER_ROLLBACK), not loaded with the removed approver`, async () => {
    const s = await setup('file');
    expect((await s.admin.getRoster())?.version).toBe(4);
    copyFileSync(join(s.dir, 'roster-v3.json'), s.rosterPath);
    const err = await s.admin.getRoster().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ROSTER_ROLLBACK', details: { fileVersion: 3, seenVersion: 4, where: "this machine's database" } });
    expect((err as Error).message).toMatch(/is version 3, but this machine's database has seen version 4: an older roster file was put back/);
  });

  it(`${label}: an older roster.json AND an older copy of the database are refused by the keychain pin`, async () => {
    const s = await setup('db');
    copyFileSync(join(s.dir, 'roster-v3.json'), s.rosterPath);
    // The database as it was at version 3: its own pin says 3, so only the keychain remembers version 4.
    const restored = new DeskApprovals({ db: new Database(s.v3db), secrets: s.secrets, roster: new FileRosterSource(s.rosterPath), clock });
    await expect(restored.getRoster()).rejects.toMatchObject({ code: 'ROSTER_ROLLBACK', details: { fileVersion: 3, seenVersion: 4, where: "this machine's keychain" } });
    await expect(restored.createRequest({ action: 'switchover', target: 'rs', reason: 'Planned maintenance of m1.', plan: { steps: [] } })).rejects.toMatchObject({ code: 'ROSTER_ROLLBACK' });
  });

  it(`${label}: a keychain pin not signed by this machine's identity is refused (PIN_INVALID)`, async () => {
    const s = await setup('forged');
    const name = await pinName(s.admin);
    expect(name).toMatch(/^drdesk\.roster-pin\.[0-9a-f]{16}\.[0-9a-f]{16}$/);
    const raw = await s.secrets.get(name);
    expect(raw).not.toBeNull();
    await s.secrets.set(name, raw!.replace(/"signatures":\[\{"keyid":"[^"]*","sig":"[A-Za-z0-9+/=]{4}/, (m) => m.slice(0, -4) + 'AAAA'), 'other');
    await expect(s.admin.getRoster()).rejects.toMatchObject({ code: 'PIN_INVALID' });
  });
}

async function pinName(a: DeskApprovals): Promise<string> {
  const { rosterPinName } = await import('../../../src/main/approvals/roster-book');
  const chain = await a.roster.versions();
  const hex = Buffer.from((a.getIdentity()?.fingerprint ?? '').replace(/^SHA256:/, ''), 'base64').toString('hex').slice(0, 16);
  return rosterPinName(hex, chain[0].digest);
}

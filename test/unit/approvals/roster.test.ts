import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { canonicalize } from '../../../src/shared/canonical-json';
import { createEnrollmentToken } from '../../../src/main/approvals/enrollment';
import type { Envelope } from '../../../src/main/signing/envelope';
import { DEFAULT_POLICY } from '../../../src/main/approvals/policy';
import { applyRosterChanges, cosignEnvelope, signRosterVersion, verifyRosterChain, verifyRosterVersion } from '../../../src/main/approvals/roster';
import { RosterBook } from '../../../src/main/approvals/roster-book';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { ApprovalsStore } from '../../../src/main/approvals/store';
import { minutes, person, T0 } from './fixtures';

const admin = person('Ada Admin');
const bob = person('Bob Approver');
const eve = person('Eve Operator');

function genesis(): Envelope {
  return signRosterVersion(null, { people: [{ name: admin.name, publicKey: admin.publicKey, fingerprint: admin.fingerprint, roles: ['admin', 'operator'], group: null }], policy: DEFAULT_POLICY }, admin, T0);
}

describe('roster changes', () => {
  const v1 = verifyRosterVersion(null, genesis());
  const addBob = applyRosterChanges(v1.doc, [{ op: 'add', enrollmentToken: createEnrollmentToken(bob, T0), roles: ['approver'], group: 'IT' }], DEFAULT_POLICY);

  it('an admin-signed change applies on top of the current roster', () => {
    const v2 = verifyRosterVersion(v1, signRosterVersion(v1, addBob, admin, minutes(1)));
    expect(v2.doc.version).toBe(2);
    expect(v2.person(bob.fingerprint)).toMatchObject({ name: 'Bob Approver', roles: ['approver'], group: 'IT' });
  });

  it('a change signed by someone who is not an admin is refused', () => {
    const v2 = verifyRosterVersion(v1, signRosterVersion(v1, addBob, admin, minutes(1)));
    const grab = applyRosterChanges(v2.doc, [{ op: 'update', fingerprint: bob.fingerprint, roles: ['approver', 'admin'] }], DEFAULT_POLICY);
    const env = signRosterVersion(v2, grab, bob, minutes(2));
    expect(() => verifyRosterVersion(v2, env)).toThrow(expect.objectContaining({ code: 'ROSTER_CHANGE_NOT_ADMIN', message: expect.stringContaining('"Bob Approver", who is not an admin in roster version 2') }));
  });

  it('a change signed by a stranger is refused', () => {
    expect(() => verifyRosterVersion(v1, signRosterVersion(v1, addBob, eve, minutes(1)))).toThrow(expect.objectContaining({ code: 'ROSTER_CHANGE_NOT_ADMIN' }));
  });

  it('an unsigned change is refused', () => {
    const env = signRosterVersion(v1, addBob, admin, minutes(1));
    expect(() => verifyRosterVersion(v1, { ...env, signatures: [] })).toThrow(expect.objectContaining({ code: 'ROSTER_CHANGE_UNSIGNED' }));
  });

  it('a change altered after the admin signed it is refused', () => {
    const env = signRosterVersion(v1, addBob, admin, minutes(1));
    const doc = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { people: { roles: string[] }[] };
    doc.people[1].roles = ['approver', 'admin'];
    expect(() => verifyRosterVersion(v1, { ...env, payload: Buffer.from(canonicalize(doc)).toString('base64') })).toThrow(expect.objectContaining({ code: 'ROSTER_CHANGE_SIGNATURE_INVALID' }));
  });

  it('a change made against another version is refused', () => {
    const v2env = signRosterVersion(v1, addBob, admin, minutes(1));
    const v2 = verifyRosterVersion(v1, v2env);
    expect(() => verifyRosterVersion(v2, v2env)).toThrow(expect.objectContaining({ code: 'ROSTER_VERSION_MISMATCH' }));
  });

  it('content rules: approvers need a group, one admin at least, names and keys unique', () => {
    expect(() => applyRosterChanges(v1.doc, [{ op: 'add', enrollmentToken: createEnrollmentToken(bob, T0), roles: ['approver'] }], DEFAULT_POLICY)).not.toThrow();
    const noGroup = applyRosterChanges(v1.doc, [{ op: 'add', enrollmentToken: createEnrollmentToken(bob, T0), roles: ['approver'] }], DEFAULT_POLICY);
    expect(() => signRosterVersion(v1, noGroup, admin, T0)).toThrow(/needs a group/);
    const noAdmin = applyRosterChanges(v1.doc, [{ op: 'update', fingerprint: admin.fingerprint, roles: ['operator'] }], DEFAULT_POLICY);
    expect(() => signRosterVersion(v1, noAdmin, admin, T0)).toThrow(/at least one admin/);
    const twice = applyRosterChanges(v1.doc, [{ op: 'add', enrollmentToken: createEnrollmentToken({ ...admin, name: 'Ada Again' }, T0), roles: ['viewer'] }], DEFAULT_POLICY);
    expect(() => signRosterVersion(v1, twice, admin, T0)).toThrow(expect.objectContaining({ code: 'ROSTER_DUPLICATE_KEY' }));
  });

  it('verifies a whole chain', () => {
    const v2env = signRosterVersion(v1, addBob, admin, minutes(1));
    expect(verifyRosterChain([genesis(), v2env]).length).toBe(2);
  });
});

describe('RosterBook: the roster on one machine', () => {
  const fresh = () => new RosterBook(new MemoryRosterSource(), new ApprovalsStore(new Database(':memory:')));

  it('trusts a received roster only with the admin fingerprint confirmed out of band', async () => {
    const home = fresh();
    await home.init(admin, T0);
    const chain = await home.chain();
    const away = fresh();
    await expect(away.apply(chain)).rejects.toMatchObject({ code: 'ROSTER_TRUST_REQUIRED', details: { adminFingerprint: admin.fingerprint, adminName: 'Ada Admin' } });
    await expect(away.apply(chain, bob.fingerprint)).rejects.toMatchObject({ code: 'ROSTER_TRUST_REQUIRED' });
    expect(await away.apply(chain, admin.fingerprint)).toHaveLength(1);
    expect((await away.require()).doc.version).toBe(1);
  });

  it('applies later versions, ignores ones it has, and refuses a fork', async () => {
    const home = fresh();
    await home.init(admin, T0);
    const away = fresh();
    await away.apply(await home.chain(), admin.fingerprint);
    const { envelope, pending } = await home.propose(admin, [{ op: 'add', enrollmentToken: createEnrollmentToken(bob, T0), roles: ['approver', 'admin'], group: 'IT' }], minutes(1), true);
    // Bob joins as the second admin: the version waits for his signature, then applies anywhere.
    expect(pending).toMatchObject({ needed: 2, signedBy: ['Ada Admin'] });
    expect((await home.require()).doc.version).toBe(1);
    await expect(away.apply([envelope])).rejects.toMatchObject({ code: 'ROSTER_SECOND_ADMIN_REQUIRED' });
    const signed = cosignEnvelope(envelope, bob);
    expect(await home.apply([signed])).toHaveLength(1);
    expect(await away.apply([signed])).toHaveLength(1);
    expect(await away.apply(await home.chain())).toHaveLength(0);
    const rival = signRosterVersion(await verifyRosterVersion(null, (await home.chain())[0]), { people: (await home.require()).doc.people, policy: DEFAULT_POLICY }, admin, minutes(3));
    await expect(away.apply([rival])).rejects.toMatchObject({ code: 'ROSTER_FORK' });
  });

  it('refuses a non-admin proposal up front', async () => {
    const home = fresh();
    await home.init(admin, T0);
    await expect(home.propose(bob, [{ op: 'remove', fingerprint: admin.fingerprint }], minutes(1), true)).rejects.toMatchObject({ code: 'ROSTER_CHANGE_NOT_ADMIN' });
  });

  it('notices a roster file replaced by one it never trusted', async () => {
    const source = new MemoryRosterSource();
    const store = new ApprovalsStore(new Database(':memory:'));
    const book = new RosterBook(source, store);
    await book.init(admin, T0);
    const other = new RosterBook(new MemoryRosterSource(), new ApprovalsStore(new Database(':memory:')));
    await other.init(eve, T0);
    await source.save(await other.chain());
    await expect(book.current()).rejects.toMatchObject({ code: 'ROSTER_REPLACED' });
  });
});

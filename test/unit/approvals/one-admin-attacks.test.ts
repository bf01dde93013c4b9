import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterChange } from '../../../src/shared/api/approvals';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import type { Envelope } from '../../../src/main/signing/envelope';
import { cosignEnvelope, signRosterVersion } from '../../../src/main/approvals/roster';
import { FileRosterSource, ROSTER_FORMAT } from '../../../src/main/approvals/roster-source';
import { readTransport } from '../../../src/main/approvals/transport';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { cosigned, joinSecondAdmin, PLAN, refusalOf, T0 } from './fixtures';

/**
 * "One admin is enough", as it was tried: alone, the admin enrolls a second key of their own as an IT
 * approver, sets the DR-activation policy to any:1 and unlocks a request — on a fresh roster and on an
 * established two-admin team, through the API and by writing the self-signed version into roster.json.
 * Every step is refused with a code and a sentence; what one admin may still do alone (revoke a key,
 * tighten a policy) still works.
 */
let now = T0.getTime();
const clock = { now: () => new Date((now += 1000)) };
const root = mkdtempSync(join(tmpdir(), 'drdesk-one-admin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
async function machine(name: string): Promise<DeskApprovals & { rosterFile: string }> {
  const rosterFile = join(root, `roster-${n++}.json`);
  const a = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new FileRosterSource(rosterFile), clock });
  await a.createIdentity(name);
  return Object.assign(a, { rosterFile });
}

const token = async (a: DeskApprovals) => (await a.exportEnrollmentToken()).token;
const fp = (a: DeskApprovals) => a.getIdentity()?.fingerprint ?? '';
const anyOne: RosterChange = { op: 'set-policy', action: 'dr-activation', policy: { requirements: [{ group: null, count: 1 }], maxExpiryMinutes: 480, minReasonLength: 10 } };

/** The proposal's last version, as the bundle a machine would import. */
function lastVersion(exported: string): Envelope {
  const bundle = readTransport(exported, 'roster');
  return bundle.chain[bundle.chain.length - 1];
}

const bundleOf = (chain: Envelope[]) => JSON.stringify({ format: 'drdesk-bundle/1', kind: 'roster', chain });

/** Writes `version` after the chain in `a`'s roster.json, as someone with the data directory can. */
function appendOnDisk(a: { rosterFile: string }, version: Envelope): void {
  const file = JSON.parse(readFileSync(a.rosterFile, 'utf8')) as { format: string; chain: Envelope[] };
  writeFileSync(a.rosterFile, JSON.stringify({ format: ROSTER_FORMAT, chain: [...file.chain, version] }));
}

describe('a fresh roster: the first admin alone', () => {
  let ada: Awaited<ReturnType<typeof machine>>;
  let adaLaptop: Awaited<ReturnType<typeof machine>>;
  beforeAll(async () => {
    ada = await machine('Ada Admin');
    adaLaptop = await machine('Ada (laptop)');
    await ada.initRoster();
  });

  it('roster init makes only an admin, under the two-admin rule: the admin cannot even request', async () => {
    const r = await ada.getRoster();
    expect(r).toMatchObject({ version: 1, adminThreshold: 2, people: [{ name: 'Ada Admin', roles: ['admin'] }] });
    const err = await refusalOf(ada.createRequest({ action: 'dr-activation', target: 'rs', reason: 'DC lost power; activating DR.', plan: PLAN }));
    expect(err.code).toBe('REQUESTER_NOT_OPERATOR');
  });

  it('enrolling a second key of her own as IT approver is not applied; imported elsewhere it is refused', async () => {
    const p = await ada.proposeRosterChange([{ op: 'add', enrollmentToken: await token(adaLaptop), roles: ['approver'], group: 'IT' }]);
    expect(p.pending).toMatchObject({ version: 2, needed: 2, signedBy: ['Ada Admin'], reasons: ['it adds Ada (laptop) (approver, IT)'] });
    expect((await ada.getRoster())?.version).toBe(1);
    expect((await ada.getAudit({ action: 'roster.proposed' })).entries).toHaveLength(1);
    const other = await machine('Olu Operator');
    const err = await refusalOf(other.applyRosterChange(p.export.token, fp(ada)));
    expect(err.code).toBe('ROSTER_SECOND_ADMIN_REQUIRED');
    expect(err.message).toMatch(/needs the signatures of 2 admins .* and carries 1 \(Ada Admin\), because it adds Ada \(laptop\).* the only change its admins may sign alone is adding a new admin, who co-signs/);
    // Her laptop key is no admin of version 1, nor joining as one: it cannot co-sign.
    expect((await refusalOf(adaLaptop.cosignRosterChange(p.export.token, fp(ada)))).code).toBe('ROSTER_CHANGE_NOT_ADMIN');
  });

  it('setting the DR-activation policy to any:1 alone is not applied, and refused when written into roster.json', async () => {
    const p = await ada.proposeRosterChange([anyOne]);
    expect(p.pending?.reasons).toEqual(['it weakens the dr-activation policy: it needs 1 approver instead of 2 (1 approver from any group instead of 1 approver from IT and 1 approver from business)']);
    appendOnDisk(ada, lastVersion(p.export.token));
    const err = await refusalOf(ada.getRoster());
    expect(err.code).toBe('ROSTER_SECOND_ADMIN_REQUIRED');
    expect(err.message).toContain('it weakens the dr-activation policy');
  });
});

describe('an established team: Ada and Abe admins, Ada also an operator', () => {
  let ada: Awaited<ReturnType<typeof machine>>;
  let abe: Awaited<ReturnType<typeof machine>>;
  let adaLaptop: Awaited<ReturnType<typeof machine>>;
  let ivan: Awaited<ReturnType<typeof machine>>;
  let bea: Awaited<ReturnType<typeof machine>>;
  let baseline: string;
  beforeAll(async () => {
    ada = await machine('Ada Admin');
    abe = await machine('Abe Admin');
    adaLaptop = await machine('Ada (laptop)');
    ivan = await machine('Ivan IT');
    bea = await machine('Bea Business');
    await ada.initRoster();
    await joinSecondAdmin(ada, abe);
    await cosigned(ada, abe, [
      { op: 'update', fingerprint: fp(ada), roles: ['operator', 'admin'] },
      { op: 'add', enrollmentToken: await token(ivan), roles: ['approver'], group: 'IT' },
      { op: 'add', enrollmentToken: await token(bea), roles: ['approver'], group: 'business' },
    ]);
    baseline = readFileSync(ada.rosterFile, 'utf8');
  });

  const restore = () => writeFileSync(ada.rosterFile, baseline);

  it('alone, Ada enrolls her second key as IT approver under another name: pending, and refused when forced into roster.json', async () => {
    const p = await ada.proposeRosterChange([{ op: 'add', enrollmentToken: await token(adaLaptop), roles: ['approver'], group: 'IT' }]);
    expect(p.pending).toMatchObject({ needed: 2, signedBy: ['Ada Admin'] });
    // Abe, asked to co-sign, reads what it does first; nothing is signed or saved by reading.
    expect(await abe.reviewRosterChange(p.export.token)).toMatchObject({ version: 4, proposedBy: { name: 'Ada Admin' }, changes: ['it adds Ada (laptop) (approver, IT)'] });
    expect((await abe.getRoster())?.version).toBe(3);
    // The "joining" exception is over once two admins exist: even signed by the new key too, it is refused.
    const doubled = cosignEnvelope(lastVersion(p.export.token), await adaLaptop.identity.signer());
    appendOnDisk(ada, doubled);
    const err = await refusalOf(ada.getRoster());
    expect(err.code).toBe('ROSTER_SECOND_ADMIN_REQUIRED');
    expect(err.message).toContain('and carries 1 (Ada Admin), because it adds Ada (laptop) (approver, IT)');
    expect(err.message).not.toContain('While the roster has');
    restore();
    expect((await refusalOf(abe.applyRosterChange(bundleOf([doubled])))).code).toBe('ROSTER_SECOND_ADMIN_REQUIRED');
  });

  it('adding a key to an existing person needs the second admin too', async () => {
    const p = await ada.proposeRosterChange([{ op: 'add', enrollmentToken: await token(adaLaptop), roles: ['approver'], group: 'IT', person: fp(ivan) }]);
    expect(p.pending?.reasons).toEqual(['it adds a key (Ada (laptop)) to Ivan IT, who is already in the roster']);
  });

  it('alone, Ada sets any:1, lowers the admin threshold or removes Abe: each refused, with its reason', async () => {
    const attempts: [RosterChange, string][] = [
      [anyOne, 'it weakens the dr-activation policy'],
      [{ op: 'set-admin-threshold', threshold: 1 }, 'it lowers the admins a change needs from 2 to 1'],
      [{ op: 'remove', fingerprint: fp(abe) }, 'it removes Abe Admin as admin'],
      [{ op: 'update', fingerprint: fp(bea), roles: ['approver'], group: 'IT' }, 'it moves Bea Business to approver group IT'],
    ];
    for (const [change, reason] of attempts) {
      const p = await ada.proposeRosterChange([change]);
      expect(p.pending?.reasons.join('; ')).toContain(reason);
      const err = await refusalOf(abe.applyRosterChange(bundleOf([lastVersion(p.export.token)])));
      expect([err.code, err.message]).toEqual(['ROSTER_SECOND_ADMIN_REQUIRED', expect.stringContaining(reason)]);
    }
    // Renaming a key (written straight into the version, as no API offers it) is refused the same way.
    const current = await ada.roster.require();
    const renamed = signRosterVersion(current, { ...current.doc, people: current.doc.people.map((x) => (x.name === 'Ada Admin' ? { ...x, name: 'Bea Business (2)' } : x)) }, await ada.identity.signer(), clock.now());
    expect((await refusalOf(abe.applyRosterChange(bundleOf([renamed])))).message).toContain('it renames Ada Admin to Bea Business (2)');
    expect((await ada.getRoster())?.version).toBe(3);
  });

  it('two keys of one admin count as one admin: legitimately enrolled, they still cannot weaken a policy', async () => {
    // Both admins give Ada a second admin key, on her own person (version 4).
    await cosigned(ada, abe, [{ op: 'add', enrollmentToken: await token(adaLaptop), roles: ['admin'], person: fp(ada) }]);
    expect((await ada.getRoster())?.people.find((p) => p.name === 'Ada (laptop)')?.person).toBe(fp(ada));
    const p = await ada.proposeRosterChange([anyOne]);
    const both = cosignEnvelope(lastVersion(p.export.token), await adaLaptop.identity.signer());
    expect(both.signatures).toHaveLength(2);
    const err = await refusalOf(abe.applyRosterChange(bundleOf([both])));
    expect(err.code).toBe('ROSTER_SECOND_ADMIN_REQUIRED');
    expect(err.message).toContain('each person counts once, whatever number of keys they hold), and carries 1 (Ada Admin)');
    baseline = readFileSync(ada.rosterFile, 'utf8');
  });

  it('alone, Ada may still revoke an approver and tighten a policy (no second admin needed)', async () => {
    const strict: RosterChange = { op: 'set-policy', action: 'switchover', policy: { requirements: [{ group: 'IT', count: 1 }, { group: null, count: 1 }], maxExpiryMinutes: 60, minReasonLength: 20 } };
    const p = await ada.proposeRosterChange([strict]);
    expect(p.pending).toBeNull();
    await abe.applyRosterChange(p.export.token);
    const r = await ada.proposeRosterChange([{ op: 'remove', fingerprint: fp(bea) }]);
    expect(r.pending).toBeNull();
    expect(r.roster.people.map((x) => x.name)).not.toContain('Bea Business');
    await abe.applyRosterChange(r.export.token);
    // Bea comes back only with both admins.
    await cosigned(ada, abe, [{ op: 'add', enrollmentToken: await token(bea), roles: ['approver'], group: 'business' }]);
  });

  it("unlocking: Ada's request is not approved by her own person's other key, nor by one approver's two keys", async () => {
    // Both admins make Ada's laptop key an IT approver (it is her person): that is allowed, but never counts for her requests.
    await cosigned(ada, abe, [{ op: 'update', fingerprint: fp(adaLaptop), roles: ['admin', 'approver'], group: 'IT' }]);
    const ivanLaptop = await machine('Ivan (laptop)');
    await cosigned(ada, abe, [{ op: 'add', enrollmentToken: await token(ivanLaptop), roles: ['approver'], group: 'IT', person: fp(ivan) }]);
    await cosigned(ada, abe, [{ op: 'set-policy', action: 'dr-activation', policy: { requirements: [{ group: 'IT', count: 2 }], maxExpiryMinutes: 480, minReasonLength: 10 } }]);
    const all = (await ada.exportRoster()).token;
    for (const m of [adaLaptop, ivan, ivanLaptop]) await m.applyRosterChange(all, fp(ada));
    const req = await ada.createRequest({ action: 'dr-activation', target: 'rs-main', reason: 'DC lost power at 09:52; activating DR.', plan: PLAN, expiresInMinutes: 60 });
    const sent = (await ada.exportRequest(req.id)).token;
    // Her own laptop refuses to approve: the requester's person is not an approver.
    await adaLaptop.importRequest(sent);
    const self = await refusalOf(adaLaptop.decide(req.id, 'approve', 'Looks fine to me.'));
    expect([self.code, self.message]).toEqual(['SELF_APPROVAL', expect.stringContaining('is a key of the person who made this request')]);
    // Ivan approves from both his machines: the second counts for nothing.
    const decisions: string[] = [];
    for (const m of [ivan, ivanLaptop]) {
      await m.importRequest(sent);
      decisions.push((await m.decide(req.id, 'approve', 'Plan checked.')).export.token);
    }
    await ada.importApproval(decisions[0], req.id);
    const dup = await refusalOf(ada.importApproval(decisions[1], req.id));
    expect([dup.code, dup.message]).toEqual(['DUPLICATE_APPROVER', expect.stringContaining('one person counts once, whatever number of keys they hold')]);
    const detail = await ada.getRequest(req.id);
    expect([detail.unlocked, detail.verification.summary]).toEqual([false, 'Locked: missing: 1 approver from IT (1 of 2 so far).']);
    const locked = await refusalOf(ada.authorizeExecution(req.id));
    expect(locked.code).toBe('EXECUTION_LOCKED');
  });
});

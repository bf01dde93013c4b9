import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApprovalsEvents } from '../../../src/shared/api/approvals';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { watchDropFolder } from '../../../src/main/approvals/drop-folder';
import { seal, type Envelope } from '../../../src/main/signing/envelope';
import { DEFAULT_POLICY } from '../../../src/main/approvals/policy';
import { applyRosterChanges, signRosterVersion } from '../../../src/main/approvals/roster';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { openRequest } from '../../../src/main/approvals/verify';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { PLAN, T0 } from './fixtures';

/** Three workstations (operator, IT approver, business approver), each with its own database and keychain. */
let now = T0.getTime();
const clock = { now: () => new Date(now) };
const later = (minutes: number) => (now += minutes * 60_000);

function machine(): DeskApprovals & { events: { event: string; payload: unknown }[] } {
  const events: { event: string; payload: unknown }[] = [];
  const a = new DeskApprovals({
    db: new Database(':memory:'),
    secrets: new MemorySecretStore(),
    roster: new MemoryRosterSource(),
    clock,
    statusSnapshot: () => ({ sites: [{ name: 'DC', status: 'red' }] }),
    emit: <E extends keyof ApprovalsEvents>(event: E, payload: ApprovalsEvents[E]) => void events.push({ event, payload }),
  });
  return Object.assign(a, { events });
}

const ops = machine();
const it1 = machine();
const biz = machine();
const drop = mkdtempSync(join(tmpdir(), 'drdesk-drop-'));
afterAll(() => rmSync(drop, { recursive: true, force: true }));

describe('DeskApprovals: the co-signing flow between machines', () => {
  it('enrolls three people in a roster two admins sign, and shares it', async () => {
    await ops.createIdentity('Olu Operator');
    await it1.createIdentity('Ivan IT');
    await biz.createIdentity('Bea Business');
    await ops.initRoster();
    const admin = ops.getIdentity()?.fingerprint;
    // Ivan joins as the second admin: the version adding him waits for his own signature.
    const join = await ops.proposeRosterChange([{ op: 'add', enrollmentToken: (await it1.exportEnrollmentToken()).token, roles: ['approver', 'admin'], group: 'IT' }]);
    expect(join.pending).toMatchObject({ version: 2, needed: 2, signedBy: ['Olu Operator'] });
    await expect(it1.cosignRosterChange(join.export.token)).rejects.toMatchObject({ code: 'ROSTER_TRUST_REQUIRED', details: { adminFingerprint: admin } });
    const joined = await it1.cosignRosterChange(join.export.token, admin);
    expect(joined.pending).toBeNull();
    await ops.applyRosterChange(joined.export.token);
    const { roster, export: change, pending } = await ops.proposeRosterChange([
      { op: 'add', enrollmentToken: (await biz.exportEnrollmentToken()).token, roles: ['approver'], group: 'business' },
      { op: 'update', fingerprint: admin ?? '', roles: ['operator', 'admin'] },
    ]);
    expect([roster.version, pending?.signedBy]).toEqual([3, ['Olu Operator']]);
    expect(change.kind).toBe('roster');
    expect((await ops.getRoster())?.version).toBe(2);
    await ops.applyRosterChange((await it1.cosignRosterChange(change.token)).export.token);
    const all = (await ops.exportRoster()).token;
    await expect(biz.applyRosterChange(all)).rejects.toMatchObject({ code: 'ROSTER_TRUST_REQUIRED', details: { adminFingerprint: admin } });
    expect((await biz.applyRosterChange(all, admin)).people.map((p) => p.name)).toEqual(['Olu Operator', 'Ivan IT', 'Bea Business']);
    expect((await it1.getRoster())?.version).toBe(3);
  });

  let id = '';
  it('creates a DR activation request carrying the plan, status digest and audit checkpoint', async () => {
    const d = await ops.createRequest({ action: 'dr-activation', target: 'rs-main', reason: 'DC lost power at 09:52; activating DR.', plan: PLAN, expiresInMinutes: 120 });
    id = d.id;
    expect(d).toMatchObject({ state: 'pending', unlocked: false, origin: 'local', plan: PLAN, breakGlass: false });
    expect(d.planDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.checkpoint.count).toBeGreaterThan(0);
    expect(d.verification.summary).toBe('Locked: missing: 1 approver from IT; missing: 1 approver from business.');
    expect(ops.events.some((e) => e.event === 'approvalsChanged')).toBe(true);
  });

  it('refuses self-approval on the requester machine, with the reason, and audits the attempt', async () => {
    await expect(ops.decide(id, 'approve', 'fine by me')).rejects.toMatchObject({ code: 'SELF_APPROVAL' });
    const audit = await ops.getAudit({ action: 'request.refused' });
    expect(audit.entries[0].details).toMatchObject({ code: 'SELF_APPROVAL' });
  });

  it('the IT approver imports the request through a chat token and sees the plan and snapshot', async () => {
    later(5);
    const token = (await ops.exportRequest(id)).token;
    const { detail } = await it1.importRequest(token);
    expect(detail).toMatchObject({ id, origin: 'imported', plan: PLAN, statusSnapshot: { sites: [{ name: 'DC', status: 'red' }] } });
    expect((await it1.importRequest(token)).isNew).toBe(false);
  });

  it('with only the IT approval the request stays locked, naming the business requirement', async () => {
    const { export: approval } = await it1.decide(id, 'approve', 'Plan checked; DC unreachable from here too.');
    await expect(it1.decide(id, 'approve', 'again')).rejects.toMatchObject({ code: 'DUPLICATE_APPROVER' });
    const d = (await ops.importApproval(approval.token, id)).detail;
    expect(d.unlocked).toBe(false);
    expect(d.verification.requirements.map((r) => [r.group, r.met])).toEqual([['IT', true], ['business', false]]);
    expect(d.verification.summary).toBe('Locked: missing: 1 approver from business.');
    await expect(ops.authorizeExecution(id)).rejects.toMatchObject({ code: 'EXECUTION_LOCKED', message: 'Locked: missing: 1 approver from business.' });
  });

  it('the business approval arrives through the shared folder and unlocks it', async () => {
    await ops.exportRequest(id, drop);
    expect((await biz.syncDropFolder(drop)).imported).toEqual([{ file: `drdesk-request-${id}.json`, kind: 'request', id }]);
    later(1);
    const { decision } = await biz.decide(id, 'approve', 'Business accepts the RPO.');
    await biz.exportApproval(decision.digest, drop);
    const synced = await ops.syncDropFolder(drop);
    expect(synced.imported.map((i) => i.kind)).toEqual(['decision']);
    expect(synced.refused).toEqual([]);
    expect((await ops.syncDropFolder(drop)).imported).toEqual([]);
    const d = await ops.getRequest(id);
    expect(d.state).toBe('approved');
    expect(d.decisionsList.map((x) => [x.approver.name, x.approver.group, x.counted])).toEqual([['Ivan IT', 'IT', true], ['Bea Business', 'business', true]]);
  });

  it('a watcher on the shared folder picks up new files as they land', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'drdesk-watch-'));
    const seen: string[] = [];
    const stop = watchDropFolder(biz, folder, (r) => seen.push(...r.imported.map((i) => i.kind), ...r.refused.map((x) => x.code)), 20);
    try {
      const other = await ops.createRequest({ action: 'drill', target: 'rs-main', reason: 'Quarterly DR drill on the sandbox.', plan: [{ n: 1 }] });
      await ops.exportRequest(other.id, folder);
      writeFileSync(join(folder, 'drdesk-request-bogus.json'), '{"format":"drdesk-bundle/1"}');
      for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(seen.sort()).toEqual(['BUNDLE_MALFORMED', 'request']);
    } finally {
      stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses an approval replayed for another request', async () => {
    const other = await ops.createRequest({ action: 'switchover', target: 'rs-main', reason: 'Planned maintenance of dc-1.', plan: [{ n: 1 }] });
    const approval = (await ops.exportApproval((await ops.getRequest(id)).decisionsList[0].digest)).token;
    await expect(ops.importApproval(approval, other.id)).rejects.toMatchObject({ code: 'APPROVAL_FOR_OTHER_REQUEST' });
  });

  it('authorizes execution once, audits it, and keeps the request for good', async () => {
    const d = await ops.authorizeExecution(id);
    expect(d.unlocked).toBe(true);
    await expect(ops.authorizeExecution(id)).rejects.toMatchObject({ code: 'EXECUTION_LOCKED' });
    expect((await ops.getRequest(id)).state).toBe('executed');
    later(60 * 24 * 30);
    expect((await ops.listRequests()).map((r) => [r.id === id, r.state])).toContainEqual([true, 'executed']);
    expect((await it1.getRequest(id)).state).toBe('expired');
  });

  it('every machine\'s audit log verifies, and the operator\'s is co-signed by both approvers', async () => {
    for (const m of [ops, it1, biz]) expect((await m.verifyAudit()).ok).toBe(true);
    const report = await ops.verifyAudit(true);
    expect(report).toMatchObject({ ok: true, mode: 'full', coSignedCheckpoints: 2 });
    const actions = (await ops.getAudit({ limit: 100 })).entries.map((e) => e.action).reverse();
    expect(actions).toEqual(expect.arrayContaining(['identity.created', 'roster.created', 'roster.changed', 'request.created', 'request.approved', 'request.executed']));
    const exported = await ops.exportAudit();
    expect(exported.count).toBe(report.entries);
    expect(exported.fileName).toMatch(/^drdesk-audit-.*\.jsonl$/);
  });

  it('break-glass is flagged in the audit trail from request to execution', async () => {
    const bg = await ops.createRequest({
      action: 'break-glass',
      target: 'rs-main',
      reason: 'DC primary still accepts writes but its host is unreachable over SSH, so it cannot be fenced.',
      plan: PLAN,
      expiresInMinutes: 30,
    });
    expect(bg.breakGlass).toBe(true);
    for (const m of [it1, biz]) {
      await m.importRequest((await ops.exportRequest(bg.id)).token);
      await ops.importApproval((await m.decide(bg.id, 'approve', 'Confirmed by phone with the DC team.')).export.token);
    }
    await ops.authorizeExecution(bg.id);
    const flagged = await ops.getAudit({ breakGlassOnly: true });
    expect(flagged.entries.map((e) => e.action).reverse()).toEqual(['request.created', 'request.approved', 'request.approved', 'break-glass.executed']);
    expect(flagged.entries.every((e) => e.breakGlass && e.subject === bg.id)).toBe(true);
  });

  it('refuses, at import, a request changed after approval, a replayed nonce, and a stranger\'s request', async () => {
    const signer = await ops.identity.signer();
    const original = openRequest(JSON.parse(ops.store.request(id)?.envelope ?? '') as Envelope).value;
    const bundle = (env: Envelope) => JSON.stringify({ format: 'drdesk-bundle/1', kind: 'request', request: env });
    const edited = seal('request', { ...original, target: 'rs-everything' }, signer);
    await expect(it1.importRequest(bundle(edited))).rejects.toMatchObject({ code: 'REQUEST_CHANGED_SINCE_APPROVAL' });
    const replay = seal('request', { ...original, id: 'req_AAAAAAAAAAAAAAAAAAAA' }, signer);
    await expect(it1.importRequest(bundle(replay))).rejects.toMatchObject({ code: 'REQUEST_NONCE_REPLAYED' });
    const stranger = machine();
    await stranger.createIdentity('Sam Stranger');
    const forged = seal('request', { ...original, id: 'req_BBBBBBBBBBBBBBBBBBBB', nonce: 'C'.repeat(22), requester: stranger.getIdentity()?.fingerprint, requesterKey: stranger.getIdentity()?.publicKey }, await stranger.identity.signer());
    await expect(it1.importRequest(bundle(forged))).rejects.toMatchObject({ code: 'REQUESTER_NOT_IN_ROSTER' });
    const refused = (await it1.getAudit({ action: 'request.refused' })).entries.map((e) => (e.details as { code: string }).code);
    expect(refused.slice(0, 3)).toEqual(['REQUESTER_NOT_IN_ROSTER', 'REQUEST_NONCE_REPLAYED', 'REQUEST_CHANGED_SINCE_APPROVAL']);
  });

  it('refuses a roster change signed by a non-admin, and audits the refusal', async () => {
    const rogue = await biz.identity.signer();
    const current = await biz.roster.require();
    const grab = signRosterVersion(current, applyRosterChanges(current.doc, [{ op: 'update', fingerprint: rogue.fingerprint, roles: ['approver', 'admin'] }], DEFAULT_POLICY), rogue, clock.now());
    const text = JSON.stringify({ format: 'drdesk-bundle/1', kind: 'roster', chain: [grab] });
    await expect(ops.applyRosterChange(text)).rejects.toMatchObject({ code: 'ROSTER_CHANGE_NOT_ADMIN' });
    await expect(biz.proposeRosterChange([{ op: 'remove', fingerprint: ops.getIdentity()?.fingerprint ?? '' }])).rejects.toMatchObject({ code: 'ROSTER_CHANGE_NOT_ADMIN' });
    expect((await ops.getAudit({ action: 'roster.refused' })).entries[0].details).toMatchObject({ code: 'ROSTER_CHANGE_NOT_ADMIN' });
    expect((await ops.getRoster())?.version).toBe(3);
  });
});

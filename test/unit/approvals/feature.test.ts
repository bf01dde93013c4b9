import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { approvalsFeature, APPROVALS } from '../../../src/main/approvals/feature';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { identitySecretName } from '../../../src/main/approvals/identity';
import { createDesk, type Desk } from '../../../src/main/desk';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { cosigned, joinSecondAdmin } from './fixtures';

/** The approvals methods as hosts reach them: through Desk's router, inputs validated, events pushed. */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-approvals-feature-'));
const secrets = new MemorySecretStore();
let desk: Desk;

beforeAll(async () => {
  const topo = join(dir, 'topology.yaml');
  writeFileSync(topo, 'sites:\n  - name: DC\n    role: dc\n    replicaSets:\n      - name: rs\n        members:\n          - { name: m1, host: 127.0.0.1, port: 9, role: primary }\n');
  desk = await createDesk({ dataDir: join(dir, 'data'), topologyPath: topo, secretStore: secrets, autoStart: false, features: [approvalsFeature] });
});
afterAll(async () => {
  await desk.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('approvals through DeskApi', () => {
  it('creates an identity and a roster, and pushes events', async () => {
    const api = desk.api();
    const events: string[] = [];
    const off = desk.subscribe('auditAppended', (e) => events.push(e.action));
    const changed: string[] = [];
    desk.subscribe('approvalsChanged', (e) => changed.push(e.reason));
    expect(await api.getIdentity()).toBeNull();
    const me = await api.createIdentity({ name: 'Olu Operator' });
    expect(me).toMatchObject({ name: 'Olu Operator', keyStorage: 'memory' });
    expect(Object.keys(me).sort()).toEqual(['createdAt', 'fingerprint', 'fingerprintHex', 'keyStorage', 'name', 'publicKey']);
    // The signing key is in the keychain under the reserved identity.* name, which list() never shows.
    expect((await secrets.list()).map((s) => s.name)).toEqual([]);
    expect(await secrets.get(identitySecretName(me.fingerprint))).not.toBeNull();
    const roster = await api.initRoster();
    // Separation of duties from the start: the first admin is only that, and the two-admin rule is on.
    expect([roster.people[0].roles, roster.adminThreshold]).toEqual([['admin'], 2]);
    expect(events).toEqual(['identity.created', 'roster.created']);
    expect(changed).toEqual(['roster']);
    off();
  });

  it('hashes the monitor\'s overview into a request and verifies it on every read', async () => {
    const api = desk.api();
    // A second admin on another machine, so that both can make Olu an operator.
    const second = new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new MemoryRosterSource() });
    await second.createIdentity('Ada Admin');
    await joinSecondAdmin(desk.services.get(APPROVALS), second);
    await cosigned(desk.services.get(APPROVALS), second, [{ op: 'update', fingerprint: (await api.getIdentity())?.fingerprint ?? '', roles: ['operator', 'admin'] }]);
    const d = await api.createRequest({ action: 'switchover', target: 'rs', reason: 'Planned maintenance of m1.', plan: { steps: [{ n: 1, title: 'step down m1' }] } });
    expect(d.statusSnapshot).toMatchObject({ topologyName: expect.any(String), sites: expect.any(Array) });
    expect(d.verification.requirements).toEqual([expect.objectContaining({ label: '1 approver from any group', met: false })]);
    expect((await api.listRequests()).map((r) => r.id)).toEqual([d.id]);
    const exp = await api.exportRequest({ id: d.id });
    expect(exp.token).toMatch(/^drdesk1\./);
    expect(JSON.stringify(await api.getRequest({ id: d.id }))).not.toMatch(/privateKey|pkcs8/);
    expect((await api.verifyAudit()).ok).toBe(true);
    expect((await api.getAudit({ subject: d.id })).entries.map((e) => e.action)).toEqual(['request.created']);
  });

  it('refuses malformed input before the engine sees it', async () => {
    const api = desk.api();
    await expect(api.createRequest({ action: 'nuke' as never, target: 'rs', reason: 'x', plan: [] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.getRequest({ id: '../../etc' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('a request id') });
    await expect(api.importRequest({ text: 'drdesk1.AAAA.BBBBBBBB' })).rejects.toMatchObject({ code: 'TOKEN_CORRUPT' });
    await expect(api.approveRequest({ id: 'req_AAAAAAAAAAAAAAAAAAAA', comment: 'ok' })).rejects.toMatchObject({ code: 'REQUEST_UNKNOWN' });
  });
});

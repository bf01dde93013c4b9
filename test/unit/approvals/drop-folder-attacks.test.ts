import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { DROP_MAX_FILE_BYTES } from '../../../src/main/approvals/drop-folder';
import { createDecision } from '../../../src/main/approvals/approval';
import { exportItem } from '../../../src/main/approvals/transport';
import { openRequest } from '../../../src/main/approvals/verify';
import { MemoryRosterSource } from '../../../src/main/approvals/roster-source';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { operatorWithItAdmin, person, PLAN, T0 } from './fixtures';

/** The drop folder as an attacker who can write to it fills it: every entry below was tried against the host. */
const clock = { now: () => new Date(T0.getTime() + 60_000) };
const machine = () => new DeskApprovals({ db: new Database(':memory:'), secrets: new MemorySecretStore(), roster: new MemoryRosterSource(), clock });
const root = mkdtempSync(join(tmpdir(), 'drdesk-drop-attack-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('drop folder: hostile entries are skipped, reported once, and never block or flood', () => {
  it('survives a FIFO, a /dev/zero symlink, a directory, a symlink out of the folder, 300 stranger decisions and an oversize file', async () => {
    const ops = machine();
    const it1 = machine();
    await ops.createIdentity('Olu Operator');
    await it1.createIdentity('Ivan IT');
    await ops.initRoster();
    await operatorWithItAdmin(ops, it1);
    const req = await ops.createRequest({ action: 'dr-activation', target: 'rs-main', reason: 'DC lost power at 09:52; activating DR.', plan: PLAN, expiresInMinutes: 60 });
    const drop = join(root, 'drop');
    mkdirSync(drop);
    const outside = join(root, 'outside');
    mkdirSync(outside);
    // A real, valid export kept outside the folder: reached only through a symlink, so it must not be read.
    const exported = await ops.exportRequest(req.id);
    writeFileSync(join(outside, 'secret.json'), exported.file);
    symlinkSync(join(outside, 'secret.json'), join(drop, `drdesk-request-${req.id}.json`));
    execFileSync('mkfifo', [join(drop, 'drdesk-decision-fifo.json')]);
    symlinkSync('/dev/zero', join(drop, 'drdesk-decision-zero.json'));
    mkdirSync(join(drop, 'drdesk-request-dir.json'));
    writeFileSync(join(drop, 'drdesk-decision-huge.json'), Buffer.alloc(DROP_MAX_FILE_BYTES + 10, 0x20));
    const stranger = person('Mallory');
    const doc = openRequest(JSON.parse((ops.store.request(req.id) as { envelope: string }).envelope));
    for (let i = 0; i < 300; i++) {
      const env = createDecision({ doc: doc.value, digest: doc.digest }, 'approve', `junk ${i}`, { signer: stranger, now: clock.now(), approverStatusDigest: null });
      const item = exportItem({ format: 'drdesk-bundle/1', kind: 'decision', decision: env }, `drdesk-decision-junk-${i}.json`);
      writeFileSync(join(drop, item.fileName), item.file);
    }
    const before = ops.auditLog.head().count;
    const r = await ops.syncDropFolder(drop);
    expect(r.imported).toEqual([]);
    const byFile = new Map(r.refused.map((x) => [x.file, x.code]));
    expect(byFile.get('drdesk-decision-fifo.json')).toBe('DROP_FILE_NOT_REGULAR');
    expect(byFile.get('drdesk-decision-zero.json')).toBe('DROP_FILE_NOT_REGULAR');
    expect(byFile.get('drdesk-request-dir.json')).toBe('DROP_FILE_NOT_REGULAR');
    expect(byFile.get(`drdesk-request-${req.id}.json`)).toBe('DROP_FILE_NOT_REGULAR');
    expect(byFile.get('drdesk-decision-huge.json')).toBe('DROP_FILE_TOO_LARGE');
    const strangers = r.refused.find((x) => x.code === 'DROP_DECISIONS_FROM_STRANGERS');
    expect(strangers?.message).toMatch(/^300 approval file\(s\) in the shared folder are signed by 1 key\(s\) outside the roster/);
    // Everything above is one audit entry, not 305.
    expect(ops.auditLog.head().count).toBe(before + 1);
    const entry = (await ops.getAudit({ action: 'drop.refused' })).entries[0];
    expect(entry.details).toMatchObject({ badFiles: 5, strangerDecisions: 300 });
    expect(ops.store.decisions(req.id)).toEqual([]);
    // Reported once: the same files at the next sync are neither refused again nor audited again.
    const again = await ops.syncDropFolder(drop);
    expect(again).toEqual({ imported: [], refused: [] });
    expect(ops.auditLog.head().count).toBe(before + 1);
  });

  it('a valid export next to the junk is still imported (a bad entry does not abort the sync)', async () => {
    const ops = machine();
    const it1 = machine();
    await ops.createIdentity('Olu Operator');
    await it1.createIdentity('Ivan IT');
    await ops.initRoster();
    await operatorWithItAdmin(ops, it1);
    const req = await ops.createRequest({ action: 'dr-activation', target: 'rs-main', reason: 'DC lost power at 09:52; activating DR.', plan: PLAN, expiresInMinutes: 60 });
    const drop = join(root, 'drop2');
    mkdirSync(drop);
    mkdirSync(join(drop, 'drdesk-request-aaa.json'));
    execFileSync('mkfifo', [join(drop, 'drdesk-request-bbb.json')]);
    await ops.exportRequest(req.id, drop);
    const r = await it1.syncDropFolder(drop);
    expect(r.imported).toEqual([{ file: `drdesk-request-${req.id}.json`, kind: 'request', id: req.id }]);
    expect(r.refused.map((x) => x.code).sort()).toEqual(['DROP_FILE_NOT_REGULAR', 'DROP_FILE_NOT_REGULAR']);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import { ROSTER_FILE } from '../../../src/main/approvals/feature';
import { FileRosterSource } from '../../../src/main/approvals/roster-source';
import { createDesk } from '../../../src/main/desk';
import { openDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

/**
 * The start-up check runs wherever a Desk starts (the desktop app and the web host both go through
 * createDesk with the default features), not only in the CLI: the log's tail is deleted from the SQLite
 * file between two runs, and the next start says AUDIT_ROLLED_BACK on stderr and through getIntegrity, which
 * the approvals pages show. A clean start says nothing.
 */
const DATABASE_FILE = 'desk.sqlite';
let base: string;
let topo: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'drdesk-startup-'));
  topo = join(base, 'topology.yaml');
  writeFileSync(topo, 'sites:\n  - name: DC\n    role: dc\n    replicaSets:\n      - name: rs\n        members:\n          - { name: m1, host: 127.0.0.1, port: 9, role: primary }\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function firstRun(dataDir: string, secrets: MemorySecretStore): Promise<number> {
  const database = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    const a = new DeskApprovals({ db: database.db, secrets, roster: new FileRosterSource(join(dataDir, ROSTER_FILE)) });
    await a.createIdentity('Olu Operator');
    for (let i = 0; i < 5; i++) await a.audit.record({ action: 'runbook.step', subject: 'req_x', details: { n: i } });
    expect((await a.verifyAudit()).ok).toBe(true);
    await a.anchor.flush();
    return a.auditLog.head().count;
  } finally {
    database.close();
  }
}

async function start(dataDir: string, secrets: MemorySecretStore) {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
  try {
    const desk = await createDesk({ dataDir, topologyPath: topo, secretStore: secrets, autoStart: false });
    return { desk, stderr: writes.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('the start-up check in the hosts', () => {
  it('a clean data directory starts quietly and reports ok', async () => {
    const dataDir = join(base, 'clean');
    const secrets = new MemorySecretStore();
    await firstRun(dataDir, secrets);
    const { desk, stderr } = await start(dataDir, secrets);
    try {
      expect(stderr).not.toMatch(/AUDIT_/);
      expect(await desk.api().getIntegrity()).toMatchObject({ ok: true, problems: [] });
    } finally {
      await desk.close();
    }
  });

  it('a log whose tail was deleted between runs is reported at start and on every getIntegrity', async () => {
    const dataDir = join(base, 'cut');
    const secrets = new MemorySecretStore();
    const count = await firstRun(dataDir, secrets);
    const database = openDatabase(join(dataDir, DATABASE_FILE));
    database.db.exec('DROP TRIGGER audit_log_no_delete');
    database.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(count - 2);
    database.close();
    const { desk, stderr } = await start(dataDir, secrets);
    try {
      expect(stderr).toMatch(/warning: AUDIT_ROLLED_BACK: The audit log has \d+ entries, but this machine's keychain records \d+/);
      const report = await desk.api().getIntegrity();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ code: 'AUDIT_ROLLED_BACK', message: expect.stringContaining(`records ${count}`) })]);
    } finally {
      await desk.close();
    }
  });
});

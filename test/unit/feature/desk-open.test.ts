import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVALS } from '../../../src/main/approvals/feature';
import { BACKUP_ROUTES } from '../../../src/main/backup/feature';
import { hasDeskDatabase, openDesk } from '../../../src/main/desk-open';
import { serviceId } from '../../../src/main/feature/contract';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { DeskError } from '../../../src/shared/errors';
import { operatorWithItAdmin, PLAN } from '../approvals/fixtures';
import { twoSiteTopology } from '../runbooks/fixtures';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function scratch(): { dataDir: string; topology: string } {
  const dir = mkdtempSync(join(tmpdir(), 'drdesk-open-'));
  dirs.push(dir);
  const topology = join(dir, 'topology.json');
  writeFileSync(topology, JSON.stringify(twoSiteTopology()));
  return { dataDir: join(dir, 'data'), topology };
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<DeskError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof DeskError) return err;
    throw err;
  }
  throw new Error('expected a DeskError');
}

describe('openDesk: the engine for one command', () => {
  it('opens nothing it is not asked for: no database file, no monitor, and a topology it was told it needs none of is refused', async () => {
    const { dataDir } = scratch();
    const desk = await openDesk({ dataDir, secretStore: new MemorySecretStore(), topology: { need: 'none' } });
    expect(desk.ctx.oneShot).toBe(true);
    expect((await refusal(() => desk.ctx.topology)).code).toBe('NO_TOPOLOGY');
    expect((await refusal(() => desk.context.monitor)).code).toBe('NO_TOPOLOGY');
    expect(hasDeskDatabase(dataDir)).toBe(false);
    await desk.close();
    expect(hasDeskDatabase(dataDir)).toBe(false);
    expect(existsSync(join(dataDir, 'desk.sqlite'))).toBe(false);
  });

  it('builds the approvals engine on the data directory database, signs requests with no status snapshot, and one close() closes the database', async () => {
    const { dataDir } = scratch();
    const desk = await openDesk({ dataDir, secretStore: new MemorySecretStore(), topology: { need: 'none' } });
    const other = await openDesk({ dataDir: scratch().dataDir, secretStore: new MemorySecretStore(), topology: { need: 'none' } });
    const approvals = desk.services.get(APPROVALS);
    expect(desk.services.get(APPROVALS)).toBe(approvals);
    expect(hasDeskDatabase(dataDir)).toBe(true);
    await approvals.createIdentity('Olu Operator');
    await other.services.get(APPROVALS).createIdentity('Ivan IT');
    await approvals.initRoster();
    await operatorWithItAdmin(approvals, other.services.get(APPROVALS));
    await other.close();
    const r = await approvals.createRequest({ action: 'dr-activation', target: 'rs-main', reason: 'DC site lost power at 09:52; DR activation per runbook 4.', plan: PLAN });
    // The one-shot monitor never polled: vouching for its empty overview would sign a status nobody saw.
    const row = desk.context.database.db.prepare('SELECT status_snapshot FROM approvals_requests WHERE id = ?').get(r.id) as { status_snapshot: string | null };
    expect(JSON.parse(row.status_snapshot ?? 'null')).toBeNull();
    const db = desk.context.database.db;
    await desk.close();
    expect(db.open).toBe(false);
  });

  it('refuses a missing topology with the command\'s own sentence, before opening the database', async () => {
    const { dataDir } = scratch();
    const err = await refusal(openDesk({ dataDir, secretStore: new MemorySecretStore(), topology: { need: 'file', missing: 'No topology here: pass --topology FILE.' } }));
    expect(err.code).toBe('NO_TOPOLOGY');
    expect(err.message).toBe('No topology here: pass --topology FILE.');
    expect(hasDeskDatabase(dataDir)).toBe(false);
  });

  it('builds the monitor only when asked, never started, and a provided recipe replaces a service until it is built', async () => {
    const { dataDir, topology } = scratch();
    const desk = await openDesk({ dataDir, topologyPath: topology, secretStore: new MemorySecretStore(), topology: { need: 'file', missing: 'unused' } });
    expect(desk.ctx.topology.topology.name).toBe(twoSiteTopology().name);
    let built = 0;
    const CLOCK = serviceId('clock', () => ({ by: 'its own recipe' }));
    desk.provide(CLOCK, () => (built++, { by: 'the command' }));
    expect(desk.services.get(CLOCK).by).toBe('the command');
    expect(desk.services.get(CLOCK).by).toBe('the command');
    expect(built).toBe(1);
    expect((await refusal(() => desk.provide(CLOCK, () => ({ by: 'too late' })))).code).toBe('SERVICE_BUILT');
    const monitor = desk.context.monitor;
    await new Promise((r) => setTimeout(r, 50));
    expect(monitor.overview().polledAt).toBeNull();
    // Nothing built the backup routes: a status or approvals command never opens the pipeline.
    desk.provide(BACKUP_ROUTES, () => {
      throw new Error('built');
    });
    await desk.close();
    expect(hasDeskDatabase(dataDir)).toBe(false);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupRoutes } from '../../../src/main/backup/routes';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema } from '../../../src/shared/topology';
import { snapshot } from './harness';

/**
 * The route back after a DR activation starts at the activation point only when that is safe: DC changed
 * nothing since the last slice DR applied. Otherwise (DC took writes DR never received) it keeps the baseline
 * path and says why; the route DC → DR resumes anchored where both sites last held the same data, and is
 * refused — never a baseline over DR — while DR holds changes DC lacks.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-anchor-'));
let sandbox: Sandbox;
let database: DeskDatabase;
let routes: BackupRoutes;
let dc: MongoClient;
let dr: MongoClient;

type Doc = { _id: string; v?: number };
const cases = (c: MongoClient) => c.db('soar').collection<Doc>('cases');
const w = { writeConcern: { w: 'majority' as const } };

beforeAll(async () => {
  sandbox = await startSandbox({ fast: true, dir });
  const topology = topologySchema.parse(sandbox.topology);
  database = openDatabase(join(dir, 'data', 'desk.sqlite'));
  routes = new BackupRoutes({ topology, secrets: new MemorySecretStore(), db: database.db, dataDir: join(dir, 'data'), options: { timeoutMs: 10_000 }, sandboxLandingRoot: join(dir, 'landing') });
  const uri = (site: string) => {
    const rs = topology.sites.find((s) => s.name === site)!.replicaSets[0];
    return `mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`;
  };
  dc = new MongoClient(uri('DC'), { serverSelectionTimeoutMS: 20_000 });
  dr = new MongoClient(uri('DR'), { serverSelectionTimeoutMS: 20_000 });
  await Promise.all([dc.connect(), dr.connect()]);
  expect((await routes.forward.run('baseline', 'manual', true)).error).toBeNull();
});

afterAll(async () => {
  await routes?.close();
  await Promise.all([dc?.close(true), dr?.close(true)]);
  database?.close();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('failback chain anchored at the activation point', () => {
  it('keeps the baseline path, and says why, when DC took writes after the activation point', async () => {
    await cases(dc).insertOne({ _id: 'shared', v: 1 }, w);
    expect(await routes.forward.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', applied: 1 });
    expect(await routes.forward.deliver('runbook', { activation: 'test activation 1' })).toMatchObject({ state: 'ok' });
    expect(routes.forward.activation()).toMatchObject({ label: 'test activation 1', sourceTs: expect.stringMatching(/^\d+:\d+$/), targetTs: expect.stringMatching(/^\d+:\d+$/) });
    // DC takes a write DR never receives (its last slice was already applied): DR's changes alone would leave it on DC.
    await cases(dc).insertOne({ _id: 'orphan-on-dc', v: 9 }, w);
    await cases(dr).insertOne({ _id: 'on-dr', v: 2 }, w);

    const r = await routes.cycle('DR', 'DC', 'runbook');
    expect(r.record.error).toBeNull();
    expect(r.started).toMatch(/^baseline DR → DC \(a consistent copy of DR replaced DC's data\) because DC changed 1 time\(s\) after the last DC slice DR applied before its activation at .* \(first at \d+:\d+, .*in soar\.cases\): DR never received these writes/);
    expect(routes.reverse().status().chain!.slices[0].kind).toBe('baseline');
    expect(await snapshot(dc)).toEqual(await snapshot(dr));
    expect(await cases(dc).findOne({ _id: 'orphan-on-dc' })).toBeNull();

    // DR → DC delivered: DC → DR resumes anchored where both last held the same data, no baseline over DR.
    const resumed = await routes.resumeForward('runbook');
    expect(resumed).toMatch(/^DC → DR backups resumed, chain anchored, no baseline: DR's oplog holds no change after \d+:\d+ \(the last failback slice applied on DC\)/);
    expect(routes.forward.activation()).toBeNull();
    await cases(dc).insertOne({ _id: 'after-resume', v: 3 }, w);
    expect(await routes.forward.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', applied: 1 });
    expect(await snapshot(dr)).toEqual(await snapshot(dc));
  });

  it('anchors the route back when DC changed nothing, and refuses to resume while DR holds changes DC lacks', async () => {
    expect(await routes.forward.deliver('runbook', { activation: 'test activation 2' })).toMatchObject({ state: 'ok' });
    await cases(dr).updateOne({ _id: 'shared' }, { $set: { v: 20 } }, w);
    await cases(dr).insertOne({ _id: 'on-dr-2', v: 4 }, w);

    const r = await routes.cycle('DR', 'DC', 'runbook');
    expect(r.record).toMatchObject({ state: 'ok', applied: 1 });
    expect(r.started).toMatch(/^chain anchored, no baseline: DC's oplog holds no change after \d+:\d+ \(the last DC slice DR applied before its activation at .*\), so DC's data is DR's at \d+:\d+/);
    const chain = routes.reverse().status().chain!;
    expect(chain.slices.map((s) => `${s.kind}:${s.state}`)).toEqual(['anchor:applied', 'increment:applied']);
    expect(chain.slices[1].count).toBeGreaterThanOrEqual(2);
    expect(await snapshot(dc)).toEqual(await snapshot(dr));

    // A write on DR after the last slice that reached DC: resuming DC → DR now would lose it, so it is refused.
    await cases(dr).insertOne({ _id: 'late-on-dr', v: 5 }, w);
    await expect(routes.resumeForward('runbook')).rejects.toMatchObject({ code: 'ANCHOR_REFUSED', message: expect.stringMatching(/DR changed 1 time\(s\) after the last failback slice applied on DC/) });
    expect(routes.forward.activation()).toMatchObject({ label: 'test activation 2' });
    await expect(routes.forward.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'BACKUP_ROUTE_ACTIVATED' });

    expect((await routes.cycle('DR', 'DC', 'runbook')).record).toMatchObject({ state: 'ok', applied: 1 });
    expect(await routes.resumeForward('runbook')).toMatch(/^DC → DR backups resumed, chain anchored/);
    expect(await cases(dc).findOne({ _id: 'late-on-dr' })).toMatchObject({ v: 5 });
    expect(await snapshot(dr)).toEqual(await snapshot(dc));
  });
});

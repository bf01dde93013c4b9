import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS } from '../../../src/main/approvals/feature';
import { BACKUP_ROUTES } from '../../../src/main/backup/feature';
import { createDesk, type Desk } from '../../../src/main/desk';
import { enrollTestApprovers, type TestApprovers } from '../../../src/main/drills/local-approvers';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import type { ExecutionView } from '../../../src/shared/api/runbooks';
import type { DeskApi, DeskNotification } from '../../../src/shared/desk-api';

/**
 * The Desk as the app runs it on the built-in sandbox (no topology configured): backups land in a local
 * directory, and DR activation and failback started through DeskApi run their backup steps through the
 * Desk's own backup service — DR activated with DC gone from slices captured before, failback carrying only
 * DR's changes since activation (no baseline), DC → DR resumed afterwards.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-desk-activation-'));
let desk: Desk;
let api: DeskApi;
let sandbox: Sandbox;
let approvers: TestApprovers;
let dc: MongoClient;
let dr: MongoClient;
const notifications: DeskNotification[] = [];

function client(site: string): MongoClient {
  const rs = desk.context.topology.topology.sites.find((s) => s.name === site)!.replicaSets[0];
  return new MongoClient(`mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`, { serverSelectionTimeoutMS: 20_000 });
}

const cases = (c: MongoClient) => c.db('soar').collection<{ _id: string; v?: number }>('cases');

async function finished(id: string): Promise<ExecutionView> {
  for (;;) {
    const e = await api.getExecution({ id });
    if (!['running', 'awaiting-confirmation', 'aborting'].includes(e.status)) return e;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Preview → request → both test approvers co-sign → startExecution, all through DeskApi; returns the finished execution. */
async function approvedRun(runbook: 'dr-activation' | 'failback', reason: string): Promise<ExecutionView> {
  const { plan } = await api.previewPlan({ runbook });
  const req = await api.createRequest({ action: runbook, target: plan.title, reason, plan });
  await approvers.cosign(req.id);
  const started = await api.startExecution({ requestId: req.id });
  return finished(started.id);
}

const output = (e: ExecutionView, id: string) => e.steps.find((s) => s.id === id)?.attempts.at(-1)?.output ?? '';

beforeAll(async () => {
  desk = await createDesk({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore(), sandbox: { fast: true }, autoStart: false });
  api = desk.api();
  sandbox = desk.context.sandbox!;
  desk.subscribe('notification', (n) => notifications.push(n));
  await api.createIdentity({ name: 'Olivia Operator' });
  await api.initRoster();
  approvers = await enrollTestApprovers(desk.services.get(APPROVALS), dir);
  dc = client('DC');
  dr = client('DR');
  await Promise.all([dc.connect(), dr.connect()]);
});

afterAll(async () => {
  await Promise.all([dc?.close(true), dr?.close(true)]);
  approvers?.close();
  await desk?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DR activation and failback through DeskApi on the sandbox', () => {
  it('ships to a local landing on the sandbox, labelled as such', async () => {
    const status = await api.getBackupStatus();
    expect(status.landing).toMatchObject({ kind: 'local', label: `local landing (sandbox): ${join(dir, 'data', 'sandbox-landing', 'DR')}` });
    expect((await api.startBaseline({ wait: true })).error).toBeNull();
    await cases(dc).insertOne({ _id: 'before-activation', v: 1 });
    const cycle = await api.runBackupNow({ wait: true });
    expect(cycle).toMatchObject({ state: 'ok', captured: 1, shipped: 1, applied: 1 });
    expect(await cases(dr).findOne({ _id: 'before-activation' })).toMatchObject({ v: 1 });
  });

  it('activates DR with DC gone: the apply step delivers the captured slice through the Desk backup service', async () => {
    await cases(dc).insertOne({ _id: 'staged', v: 2 });
    // Captured and shipped, not applied yet: only the activation's deliver-only step can bring it to DR.
    const staged = await desk.services.get(BACKUP_ROUTES).forward.stage('manual');
    expect(staged).toMatchObject({ state: 'ok', captured: 1, shipped: 1, applied: 0 });
    expect(await cases(dr).findOne({ _id: 'staged' })).toBeNull();
    await sandbox.fault({ action: 'kill', target: 'DC' });

    const e = await approvedRun('dr-activation', 'DC site lost: activate DR (integration test).');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    expect(output(e, 'apply-slice')).toMatch(/delivered without a capture \(cycle #\d+: 0 shipped to local landing \(sandbox\): .*, 1 applied\)/);
    expect(await cases(dr).findOne({ _id: 'staged' })).toMatchObject({ v: 2 });
    const history = await api.getBackupHistory({ limit: 1 });
    expect(history[0]).toMatchObject({ trigger: 'runbook', state: 'ok', captured: 0, applied: 1 });

    // DR takes the writes now: DC → DR cycles are stopped, and status says why.
    const status = await api.getBackupStatus();
    expect(status.schedule.enabled).toBe(false);
    expect(status.reasons[0].message).toMatch(/^DR was activated at .* takes the writes: DC→DR backups are stopped/);
    await expect(api.runBackupNow({ wait: true })).rejects.toMatchObject({ code: 'BACKUP_ROUTE_ACTIVATED' });
    expect(notifications).toContainEqual(expect.objectContaining({ level: 'info', title: 'DR activation: DC → DR: completed', subject: `execution:${e.id}` }));
  });

  it('fails back with only DR\'s changes since activation (no baseline), then resumes DC → DR', async () => {
    const primary = await dr.db('admin').command({ hello: 1 });
    expect(primary.isWritablePrimary).toBe(true);
    await cases(dr).insertMany([{ _id: 'on-dr-1', v: 3 }, { _id: 'on-dr-2', v: 4 }], { writeConcern: { w: 'majority' } });
    await cases(dr).updateOne({ _id: 'before-activation' }, { $set: { v: 10 } }, { writeConcern: { w: 'majority' } });
    for (const m of sandbox.state().members.filter((x) => x.site === 'DC' && !x.alive)) await sandbox.fault({ action: 'revive', target: m.name });

    const e = await approvedRun('failback', 'DC is back: fail back to DC (integration test).');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    expect(output(e, 'catch-up-cycle')).toMatch(/^chain anchored, no baseline: DC's oplog holds no change after \d+:\d+ \(the last DC slice DR applied before its activation at .*\)/);
    const back = desk.services.get(BACKUP_ROUTES).reverse().status().chain!;
    expect(back.slices[0]).toMatchObject({ kind: 'anchor', state: 'applied', count: 0 });
    expect(back.slices.some((s) => s.kind === 'baseline')).toBe(false);
    expect(await cases(dc).find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'before-activation', v: 10 },
      { _id: 'on-dr-1', v: 3 },
      { _id: 'on-dr-2', v: 4 },
      { _id: 'staged', v: 2 },
    ]);
    expect(output(e, 'resume-backups')).toMatch(/^DC → DR backups resumed, chain anchored, no baseline: DR's oplog holds no change after/);

    const status = await api.getBackupStatus();
    expect(status.schedule.enabled).toBe(true);
    expect(status.chain?.slices[0].kind).toBe('anchor');
    await cases(dc).insertOne({ _id: 'after-failback', v: 5 });
    expect(await api.runBackupNow({ wait: true })).toMatchObject({ state: 'ok', applied: 1 });
    expect(await cases(dr).findOne({ _id: 'after-failback' })).toMatchObject({ v: 5 });
  });
});

import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS } from '../../../src/main/approvals/feature';
import { ledgerTargets, ReplicaSetLedgers } from '../../../src/main/control/execution-ledgers';
import { createDesk, type Desk } from '../../../src/main/desk';
import { enrollTestApprovers, type TestApprovers } from '../../../src/main/drills/local-approvers';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import type { ExecutionView } from '../../../src/shared/api/runbooks';
import type { DeskApi } from '../../../src/shared/desk-api';
import { topologySchema, type Topology } from '../../../src/shared/topology';

/**
 * An approved request runs once, whatever copy of a workstation starts it: the execution is claimed in the
 * ledger of the replica set it acts on before its first step. Tried with an older copy of the operator's
 * database (and keychain) restored after the run, and with a second data directory holding the same
 * approvals: both are refused by the replica set, naming who ran it and when.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-exactly-once-'));
let sandbox: Sandbox;
let topology: Topology;
let approvers: TestApprovers;
let dc: MongoClient;

/** A keychain that can be copied as it is at one moment (what restoring a machine's backup brings back). */
class CopyableSecrets extends MemorySecretStore {
  copy(): CopyableSecrets {
    const c = new CopyableSecrets();
    const from = (this as unknown as { values: Map<string, unknown> }).values;
    const to = (c as unknown as { values: Map<string, unknown> }).values;
    for (const [k, v] of from) to.set(k, structuredClone(v));
    return c;
  }
}

async function openDesk(dataDir: string, secrets: MemorySecretStore): Promise<{ desk: Desk; api: DeskApi }> {
  const desk = await createDesk({ dataDir, topologyPath: sandbox.description.topologyFile, secretStore: secrets, autoStart: false });
  return { desk, api: desk.api() };
}

async function finished(api: DeskApi, id: string): Promise<ExecutionView> {
  const until = Date.now() + 90_000;
  for (;;) {
    const e = await api.getExecution({ id });
    if (!['running', 'awaiting-confirmation', 'aborting'].includes(e.status) || Date.now() > until) return e;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  mkdirSync(join(dir, 'sandbox'));
  sandbox = await startSandbox({ fast: true, dir: join(dir, 'sandbox') });
  topology = topologySchema.parse(sandbox.topology);
  const rs = topology.sites.find((s) => s.name === 'DC')!.replicaSets[0];
  dc = new MongoClient(`mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`, { serverSelectionTimeoutMS: 20_000 });
  await dc.connect();
});

afterAll(async () => {
  await dc?.close(true);
  approvers?.close();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('exactly-once executions anchored on the target replica set', () => {
  it('an older copy of the database and keychain, or a second data directory with the same approvals, cannot run an executed request again', async () => {
    const dataA = join(dir, 'desk-a');
    const secretsA = new CopyableSecrets();
    const a = await openDesk(dataA, secretsA);
    await a.api.createIdentity({ name: 'Olivia Operator' });
    await a.api.initRoster();
    approvers = await enrollTestApprovers(a.desk.services.get(APPROVALS), dir);
    const { plan } = await a.api.previewPlan({ runbook: 'switchover' });
    const req = await a.api.createRequest({ action: 'switchover', target: plan.title, reason: 'exactly-once test', plan });
    await approvers.cosign(req.id);
    // The copies made before the run: what a restored backup of this machine, or a second workstation, holds.
    const snapshot = join(dir, 'snapshot');
    cpSync(dataA, snapshot, { recursive: true });
    for (const f of ['desk.sqlite', 'desk.sqlite-wal', 'desk.sqlite-shm']) rmSync(join(snapshot, f), { force: true });
    await a.desk.ctx.database.db.backup(join(snapshot, 'desk.sqlite'));
    const secretsSnapshot = secretsA.copy();
    const ran = await finished(a.api, (await a.api.startExecution({ requestId: req.id })).id);
    expect(ran.status).toBe('succeeded');
    const entry = await dc.db('drdesk').collection('ledger').findOne({ _id: req.id } as never);
    expect(entry).toMatchObject({ executionId: ran.id, by: 'Olivia Operator', outcome: 'succeeded' });
    expect(entry?.finishedAt).toBeInstanceOf(Date);
    await a.desk.close();

    // 1. The operator's database restored from before the run, with the keychain of that time.
    rmSync(dataA, { recursive: true, force: true });
    cpSync(snapshot, dataA, { recursive: true });
    const restored = await openDesk(dataA, secretsSnapshot.copy());
    const seen = await restored.api.getRequest({ id: req.id });
    expect(seen.executedAt).toBeNull(); // the local copy believes it never ran
    await expect(restored.api.startExecution({ requestId: req.id })).rejects.toMatchObject({
      code: 'ALREADY_EXECUTED',
      message: expect.stringMatching(new RegExp(`Request ${req.id} was already executed by Olivia Operator \\(workstation .+\\) at \\d{4}-\\d\\d-\\d\\dT.+ as ${ran.id}`)),
    });
    expect((await restored.api.listExecutions({})).length).toBe(0);
    await restored.desk.close();

    // 2. A second workstation with the same approvals (its own data directory).
    const dataB = join(dir, 'desk-b');
    cpSync(snapshot, dataB, { recursive: true });
    const b = await openDesk(dataB, secretsSnapshot.copy());
    await expect(b.api.startExecution({ requestId: req.id })).rejects.toMatchObject({ code: 'ALREADY_EXECUTED', message: expect.stringContaining(`at ${(entry!.startedAt as Date).toISOString()}`) });
    await b.desk.close();
    expect(await dc.db('drdesk').collection('ledger').countDocuments({})).toBe(1);
  }, 180_000);

  it('a DR activation needs only DR\'s ledger when DC is gone; a runbook acting on DC needs DC\'s', async () => {
    const ledgers = new ReplicaSetLedgers({ topology, secrets: new MemorySecretStore(), workstation: 'ws-test', timeoutMs: 2_000 });
    const step = (site: string, kind = 'action') => ({ kind, target: { site, replicaSet: null } });
    const activation = { runbook: 'dr-activation', steps: [step('DC', 'precheck'), step('DR'), step('DC', 'postcheck')] };
    expect(ledgerTargets(activation, topology).map((t) => [t.site, t.required])).toEqual([
      ['DR', true],
      ['DC', false],
    ]);
    await sandbox.fault({ action: 'kill', target: 'DC' });
    try {
      const claim = { requestId: 'req_activation_00000001', nonce: 'n'.repeat(22), planDigest: 'sha256:00', executionId: 'ex-1', by: 'olivia' };
      const r = await ledgers.claim(activation, claim);
      expect(r.recorded).toEqual([expect.stringMatching(/^DR /)]);
      expect(r.skipped.map((s) => s.target)).toEqual([expect.stringMatching(/^DC /)]);
      // The same request from another execution (a second workstation) is refused by DR's ledger alone.
      await expect(ledgers.claim(activation, { ...claim, executionId: 'ex-2' })).rejects.toMatchObject({ code: 'ALREADY_EXECUTED' });
      // Same nonce under another request id (a replayed approval file): refused too.
      await expect(ledgers.claim(activation, { ...claim, requestId: 'req_activation_00000002', executionId: 'ex-3' })).rejects.toMatchObject({ code: 'ALREADY_EXECUTED' });
      // A resume of the same execution is not a second run.
      await expect(ledgers.claim(activation, claim)).resolves.toBeTruthy();
      await expect(ledgers.claim({ runbook: 'switchover', steps: [step('DC')] }, { ...claim, requestId: 'req_switchover_000000001', nonce: 'm'.repeat(22), executionId: 'ex-4' })).rejects.toMatchObject({
        code: 'LEDGER_UNREACHABLE',
        message: expect.stringMatching(/ledger of DC .+ cannot be written .+Nothing ran/),
      });
    } finally {
      await sandbox.fault({ action: 'revive', target: 'DC' });
    }
  }, 90_000);
});

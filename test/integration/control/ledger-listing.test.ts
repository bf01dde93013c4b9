import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaSetLedgers } from '../../../src/main/control/execution-ledgers';
import { ExecutionLedger } from '../../../src/main/control/ledger';
import { createDesk } from '../../../src/main/desk';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema, type Topology } from '../../../src/shared/topology';

/**
 * The replica sets' execution ledgers are the record every workstation shares: a workstation whose data
 * directory is gone still sees every execution, from the ledgers, marked as not in its own journal. A
 * ledger that does not answer (here a replica set whose only member is a closed port) is named with its
 * reason, and does not hold the answer up beyond the short read timeout.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-ledger-list-'));
let sandbox: Sandbox;
let topology: Topology;
let topologyFile: string;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  mkdirSync(join(dir, 'sandbox'));
  sandbox = await startSandbox({ fast: true, dir: join(dir, 'sandbox') });
  const t = structuredClone(sandbox.topology) as { sites: Array<{ name: string; replicaSets: unknown[] }> };
  // A second replica set on DC that nobody answers for.
  t.sites.find((s) => s.name === 'DC')!.replicaSets.push({ name: 'rs-gone', members: [{ name: 'gone-1', host: '127.0.0.1', port: await closedPort(), role: 'primary' }] });
  topology = topologySchema.parse(t);
  topologyFile = join(dir, 'topology.json');
  writeFileSync(topologyFile, JSON.stringify(t));
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the executions the replica sets record', () => {
  it('deleting a workstation\'s data directory shows the executions from the replica sets', async () => {
    // Workstation A knows DC's and DR's replica sets (the one nobody answers for costs no claim time here).
    const ledgers = new ReplicaSetLedgers({ topology: topologySchema.parse(sandbox.topology), secrets: new MemorySecretStore(), workstation: join(dir, 'desk-a'), timeoutMs: 5_000 });
    const activation = { runbook: 'dr-activation', steps: [{ kind: 'action', target: { site: 'DR', replicaSet: null } }] };
    const claim = { requestId: 'req_listing_0000000000001', nonce: 'n'.repeat(22), planDigest: 'sha256:00', executionId: 'ex-20261204100000-0a0b0c0d', by: 'Olivia Operator' };
    const claimed = await ledgers.claim(activation, claim);
    expect(claimed.recorded).toEqual(['DR (rs-dr)', 'DC (rs-dc)']);
    expect(claimed.skipped).toEqual([]);
    await ledgers.finish(activation, claim.requestId, claim.executionId, 'succeeded');

    // Workstation A's data directory is gone: a fresh one on the same topology.
    const desk = await createDesk({ dataDir: join(dir, 'desk-fresh'), topologyPath: topologyFile, secretStore: new MemorySecretStore(), autoStart: false });
    try {
      const api = desk.api();
      expect(await api.listExecutions({})).toEqual([]);
      const t0 = Date.now();
      const seen = await api.listLedgerExecutions({});
      const tookMs = Date.now() - t0;
      expect(seen.entries).toEqual([
        {
          requestId: claim.requestId,
          executionId: claim.executionId,
          by: 'Olivia Operator',
          workstation: expect.stringContaining(':' + join(dir, 'desk-a')),
          startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          outcome: 'succeeded',
          sites: ['DC (rs-dc)', 'DR (rs-dr)'],
          local: false,
        },
      ]);
      expect(seen.ledgers).toEqual([
        { site: 'DC (rs-dc)', answered: true },
        { site: 'DC (rs-gone)', answered: false, why: expect.stringMatching(/rs-gone.*ECONNREFUSED 127\.0\.0\.1/) },
        { site: 'DR (rs-dr)', answered: true },
      ]);
      // The ledger that does not answer costs the short read timeout (3 s), not the 8 s of a required write.
      expect(tookMs).toBeLessThan(6_500);
    } finally {
      await desk.close();
    }
  }, 60_000);

  it('a ledger is read with majority read concern', async () => {
    const rs = topology.sites.find((s) => s.name === 'DR')!.replicaSets[0];
    const client = new MongoClient(`mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`, { serverSelectionTimeoutMS: 20_000, monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (e) => e.commandName === 'find' && finds.push(e));
    try {
      await client.connect();
      expect((await new ExecutionLedger(client, 'DR (rs-dr)').recent(5)).map((d) => d._id)).toEqual(['req_listing_0000000000001']);
      expect(finds.map((f) => f.command.readConcern)).toEqual([{ level: 'majority' }]);
    } finally {
      await client.close(true);
    }
  });
});

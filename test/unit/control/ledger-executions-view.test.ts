import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/main/runbooks/journal';
import { runbookMethods } from '../../../src/main/runbooks/methods';
import { RunbookService, type LedgerListing } from '../../../src/main/runbooks/runbook-service';
import { mongoHandlers } from '../../../src/main/runbooks/steps/mongo-handlers';
import { runbookSettingsSchema } from '../../../src/main/runbooks/settings';
import { RpcRouter } from '../../../src/main/rpc/router';
import type { LedgerExecution } from '../../../src/shared/api/runbooks';
import { FakeMongo } from '../runbooks/fake-mongo';
import { twoSiteTopology } from '../runbooks/fixtures';

const entry = (requestId: string, executionId: string, sites: string[]): LedgerExecution => ({
  requestId,
  executionId,
  by: 'olivia',
  workstation: 'laptop:/data',
  startedAt: '2026-12-04T10:00:00.000Z',
  finishedAt: null,
  outcome: null,
  sites,
});

let service: RunbookService | null = null;
const db = new Database(':memory:');
afterEach(() => service?.close());

function serve(ledgers?: LedgerListing): RpcRouter {
  service = new RunbookService({ db, topology: twoSiteTopology(), settings: runbookSettingsSchema.parse({}), handlers: mongoHandlers(FakeMongo.of({})), audit: { append: () => undefined }, gate: null, ledgers });
  const router = new RpcRouter();
  router.register(runbookMethods(service));
  return router;
}

describe('DeskApi listLedgerExecutions', () => {
  it('shows what the ledgers record, marks which executions this journal knows, and passes on the ledger that did not answer', async () => {
    const asked: Array<number | undefined> = [];
    const router = serve({
      recorded: async (limit) => {
        asked.push(limit);
        return {
          entries: [entry('req_remote', 'ex-20261204100000-aaaaaaaa', ['DR (rs-dr)']), entry('req_local', 'ex-20261204090000-bbbbbbbb', ['DC (rs-dc)', 'DR (rs-dr)'])],
          ledgers: [
            { site: 'DC (rs-dc)', answered: false, why: 'replica set rs-dc did not answer within 3 s' },
            { site: 'DR (rs-dr)', answered: true },
          ],
        };
      },
    });
    const plan = service!.preview('switchover').plan;
    new Journal(db, 'seed').createExecution({ id: 'ex-20261204090000-bbbbbbbb', requestId: 'req_local', plan, planDigest: 'sha256:00', initiator: 'olivia', mode: 'execute', breakGlass: null }, new Date().toISOString());
    const r = (await router.call('listLedgerExecutions', { limit: 20 })) as Awaited<ReturnType<RunbookService['ledgerExecutions']>>;
    expect(asked).toEqual([20]);
    expect(r.entries.map((e) => [e.requestId, e.local])).toEqual([
      ['req_remote', false],
      ['req_local', true],
    ]);
    expect(r.ledgers[0]).toEqual({ site: 'DC (rs-dc)', answered: false, why: 'replica set rs-dc did not answer within 3 s' });
    await router.call('listLedgerExecutions', undefined);
    expect(asked).toEqual([20, undefined]);
  });

  it('validates its input, and an engine without ledgers says so instead of showing an empty list', async () => {
    const router = serve({ recorded: async () => ({ entries: [], ledgers: [] }) });
    await expect(router.call('listLedgerExecutions', { limit: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(router.call('listLedgerExecutions', { limit: 5, site: 'DC' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    service!.close();
    await expect(serve().call('listLedgerExecutions', {})).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
  });
});

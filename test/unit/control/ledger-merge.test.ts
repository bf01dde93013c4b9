import { describe, expect, it } from 'vitest';
import { mergeLedgerReads } from '../../../src/main/control/execution-ledgers';
import type { LedgerDoc } from '../../../src/main/control/ledger';

const doc = (id: string, o: Partial<LedgerDoc> = {}): LedgerDoc => ({
  _id: id,
  nonce: `n-${id}`,
  planDigest: 'sha256:00',
  executionId: `ex-${id}`,
  by: 'olivia',
  workstation: 'laptop:/data',
  startedAt: new Date('2026-12-04T10:00:00.000Z'),
  finishedAt: null,
  outcome: null,
  ...o,
});

describe('merging the replica sets\' execution ledgers', () => {
  it('one entry per request naming every ledger that holds it, the outcome from the ledger that has it, newest first', () => {
    const dcStarted = doc('req_a', { startedAt: new Date('2026-12-04T10:00:00.100Z') });
    const drFinished = doc('req_a', { finishedAt: new Date('2026-12-04T10:05:00.000Z'), outcome: 'succeeded' });
    const onlyDr = doc('req_b', { startedAt: new Date('2026-12-04T11:00:00.000Z'), by: 'bob', workstation: 'desk-b:/d' });
    const r = mergeLedgerReads(
      [
        { site: 'DC (rs-dc)', docs: [dcStarted] },
        { site: 'DR (rs-dr)', docs: [onlyDr, drFinished] },
      ],
      50,
    );
    expect(r.entries).toEqual([
      { requestId: 'req_b', executionId: 'ex-req_b', by: 'bob', workstation: 'desk-b:/d', startedAt: '2026-12-04T11:00:00.000Z', finishedAt: null, outcome: null, sites: ['DR (rs-dr)'] },
      // DC missed the finish (it did not answer then): DR's outcome counts; the first claim's time stands.
      { requestId: 'req_a', executionId: 'ex-req_a', by: 'olivia', workstation: 'laptop:/data', startedAt: '2026-12-04T10:00:00.000Z', finishedAt: '2026-12-04T10:05:00.000Z', outcome: 'succeeded', sites: ['DC (rs-dc)', 'DR (rs-dr)'] },
    ]);
    expect(r.ledgers).toEqual([
      { site: 'DC (rs-dc)', answered: true },
      { site: 'DR (rs-dr)', answered: true },
    ]);
  });

  it('a ledger that does not answer is named with its reason, and what the others record is still shown', () => {
    const r = mergeLedgerReads(
      [
        { site: 'DC (rs-dc)', docs: null, why: 'replica set rs-dc did not answer within 3 s' },
        { site: 'DR (rs-dr)', docs: [doc('req_a')] },
      ],
      50,
    );
    expect(r.ledgers).toEqual([
      { site: 'DC (rs-dc)', answered: false, why: 'replica set rs-dc did not answer within 3 s' },
      { site: 'DR (rs-dr)', answered: true },
    ]);
    expect(r.entries.map((e) => [e.requestId, e.sites])).toEqual([['req_a', ['DR (rs-dr)']]]);
  });

  it('two executions under one request id stay two entries (the conflict shows), and the limit applies to the merged list', () => {
    const r = mergeLedgerReads(
      [
        { site: 'DC (rs-dc)', docs: [doc('req_a', { executionId: 'ex-1' }), doc('req_old', { startedAt: new Date('2026-12-01T00:00:00.000Z') })] },
        { site: 'DR (rs-dr)', docs: [doc('req_a', { executionId: 'ex-2', startedAt: new Date('2026-12-04T10:00:01.000Z') })] },
      ],
      2,
    );
    expect(r.entries.map((e) => [e.requestId, e.executionId, e.sites])).toEqual([
      ['req_a', 'ex-2', ['DR (rs-dr)']],
      ['req_a', 'ex-1', ['DC (rs-dc)']],
    ]);
  });
});

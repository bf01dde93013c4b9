import { describe, expect, it } from 'vitest';
import { renderControl } from '../../../src/main/cli/backup-text';

describe('drdesk backup status: what the replica sets say', () => {
  const base = { lease: { sentence: 'backups are run by alice on host-a (last heartbeat 3 s ago)' }, chain: null, adopted: false };

  it('names a ledger that did not answer, with why, after the executions the others record', () => {
    const text = renderControl(
      {
        ...base,
        executions: [{ site: 'DR (rs-dr)', requestId: 'req-1', executionId: 'exe-1', by: 'bob', workstation: 'host-b:/data', startedAt: '2026-12-04T10:00:00.000Z', outcome: 'succeeded' }],
        unanswered: [{ site: 'DC (rs-dc)', why: 'Cannot connect to replica set rs-dc: connect ECONNREFUSED 127.0.0.1:27017' }],
      },
      'DR',
    );
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('Lease: backups are run by alice on host-a (last heartbeat 3 s ago)');
    expect(lines.findIndex((l) => l.includes('req-1'))).toBeLessThan(lines.findIndex((l) => l.includes('DC (rs-dc) did not answer')));
    expect(text).toMatch(/Execution ledger of DC \(rs-dc\) did not answer \(Cannot connect to replica set rs-dc: connect ECONNREFUSED 127\.0\.0\.1:27017\): the executions above are what the other ledgers record\./);
  });

  it('says nothing about ledgers when every one answered', () => {
    expect(renderControl({ ...base, executions: [], unanswered: [] }, 'DR')).not.toMatch(/did not answer/);
  });
});

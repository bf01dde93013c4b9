import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Executor } from '../../../src/main/runbooks/executor';
import { backupHandlers } from '../../../src/main/runbooks/steps/backup-handlers';
import { mongoHandlers } from '../../../src/main/runbooks/steps/mongo-handlers';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import type { OperationHandlers } from '../../../src/main/runbooks/steps/step-handler';
import { FakeMongo } from './fake-mongo';
import { twoSiteTopology } from './fixtures';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

function setup(dcPrimary: 'PRIMARY' | 'DOWN', breakGlass: { reason: string; approvers: string[] } | null = null, fencing: 'fence' | 'require-down' = 'require-down') {
  const mongo = FakeMongo.of({
    '127.0.0.1:27017': dcPrimary,
    '127.0.0.1:27018': dcPrimary === 'DOWN' ? 'DOWN' : 'SECONDARY',
    '127.0.0.1:28017': 'SECONDARY',
    '127.0.0.1:28018': 'SECONDARY',
  });
  const applied: string[] = [];
  const handlers: OperationHandlers = {
    ...mongoHandlers(mongo),
    ...backupHandlers({
      verifyLatest: async () => ({ sequence: 7, summary: 'slice 7 verified' }),
      applyLatest: async (from, to) => {
        applied.push(`${from}->${to}`);
        return { sequence: 7, appliedTo: '2025-01-01T00:00:00.000Z', summary: 'slice 7 applied' };
      },
      cycle: async () => ({ sequence: null, appliedTo: null, summary: 'cycle' }),
    }),
    'ssh.exec': async (op) => ({ summary: `ran ${op.argv.join(' ')}` }),
    'http.health': async () => ({ summary: 'healthy' }),
    'manual.confirm': async () => ({ summary: 'confirmed' }),
  };
  const db = new Database(':memory:');
  const ex = new Executor({ db, handlers, audit: { append: () => undefined } });
  closers.push(() => ex.close(), () => db.close());
  const plan = buildPlan('dr-activation', twoSiteTopology(), { dcFencing: fencing, trafficHook: { kind: 'command', argv: ['true'] } });
  const traffic = plan.steps.find((s) => s.operation.op === 'traffic.switch')!;
  handlers['traffic.switch'] = async () => ({ summary: `switched (${traffic.n})` });
  const run = async () => ex.settled(ex.start({ plan, planDigest: planDigest(plan), requestId: 'r', initiator: 'op', breakGlass }).id);
  return { mongo, applied, run };
}

describe('split-brain rule in DR activation', () => {
  it('refuses to apply or promote while the DC primary is reachable and writable', async () => {
    const { run, applied, mongo } = setup('PRIMARY');
    const v = await run();
    expect(v.status).toBe('failed');
    const guard = v.steps.find((s) => s.id === 'split-brain-guard')!;
    expect(guard.error?.code).toBe('SPLIT_BRAIN_RISK');
    expect(guard.error?.message).toMatch(/dc-1 \(127\.0\.0\.1:27017\).*writable primary/);
    expect(applied).toEqual([]);
    expect(mongo.log.filter((l) => l.includes('replSetStepUp'))).toEqual([]);
    expect(v.steps.filter((s) => s.status === 'pending').map((s) => s.id)).toContain('promote-rs-dr');
  });

  it('proceeds once the plan has fenced DC: secondaries frozen first, then the primary stepped down', async () => {
    const { run, applied, mongo } = setup('PRIMARY', null, 'fence');
    const v = await run();
    expect(v.status).toBe('succeeded');
    expect(mongo.log.slice(0, 2)).toEqual(['127.0.0.1:27018 replSetFreeze 900', '127.0.0.1:27017 replSetStepDown']);
    // No DC member took over: the frozen secondary could not win the election.
    expect(mongo.members.get('127.0.0.1:27018')).toBe('SECONDARY');
    expect(applied).toEqual(['DC->DR']);
    expect(mongo.members.get('127.0.0.1:28017')).toBe('PRIMARY');
  });

  it('proceeds when DC is down', async () => {
    const { run } = setup('DOWN');
    expect((await run()).status).toBe('succeeded');
  });

  it('a break-glass override lets it through, and says so in the step output', async () => {
    const { run } = setup('PRIMARY', { reason: 'DC network isolated, DC writes lost anyway', approvers: ['ann', 'ben'] });
    const v = await run();
    expect(v.status).toBe('succeeded');
    expect(v.steps.find((s) => s.id === 'split-brain-guard')?.attempts[0].output).toMatch(/BREAK-GLASS override by ann and ben/);
  });
});

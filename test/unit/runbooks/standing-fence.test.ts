import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ActivationInfo, Overview } from '../../../src/shared/monitor';
import { StandingFences, type FenceOrder } from '../../../src/main/runbooks/standing-fence';
import { healthy, iso } from '../monitor/fixtures';

const activation: ActivationInfo = { at: iso(60_000), label: 'execution ex-1', site: 'DR', from: 'DC' };
const order: FenceOrder = { site: 'DC', members: [{ name: 'dc-1', address: '127.0.0.1:27001' }, { name: 'dc-2', address: '127.0.0.1:27002' }], seconds: 600 };

/** DC unreachable (every member down), or back with dc-1 primary again. */
function dc(up: boolean, a: ActivationInfo | null = activation): Overview {
  const o = healthy((m) => {
    if (!up) for (let i = 0; i < m.length; i++) m[i] = { ...m[i], reachable: false, health: null };
  });
  o.sites[0] = { ...o.sites[0], reachable: up };
  return { ...o, activation: a };
}

describe('the standing fence', () => {
  it('waits while DC is unreachable, fences once when it answers, reports it, and re-fences if DC elects a primary again', async () => {
    const reported: string[] = [];
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.report = (title, body) => reported.push(`${title}: ${body}`);
    f.record('ex-1', order, ['dc-1', 'dc-2']);
    const runs: FenceOrder[] = [];
    const run = async (o: FenceOrder) => {
      runs.push(o);
      return { summary: 'dc-2: frozen 600 s; dc-1: stepped down for 600 s (force)' };
    };
    await f.onOverview(dc(false), run);
    expect(runs).toHaveLength(0);
    expect(f.list()[0]).toMatchObject({ site: 'DC', state: 'waiting', members: ['dc-1', 'dc-2'] });
    await f.onOverview(dc(true), run);
    expect(runs).toEqual([order]);
    expect(f.list()[0]).toMatchObject({ state: 'applied' });
    expect(f.list()[0].message).toContain('DR Desk fenced it, as the approved plan');
    expect(reported[0]).toMatch(/^DC fenced: .*dc-1: stepped down/);
    // Fenced: DC has no primary any more, nothing runs again.
    const fenced = dc(true);
    fenced.sites[0].replicaSets[0].primary = null;
    await f.onOverview(fenced, run);
    expect(runs).toHaveLength(1);
    // The fence ran out and DC elected a primary while DR still takes the writes: the order runs again.
    await f.onOverview(dc(true), run);
    expect(runs).toHaveLength(2);
  });

  it('a failed fence is kept and reported as failed', async () => {
    const reported: string[] = [];
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.report = (title) => reported.push(title);
    f.record('ex-1', order, ['dc-1']);
    await f.onOverview(dc(true), async () => {
      throw new Error('dc-1 (127.0.0.1:27001) still answers as a writable primary after fencing');
    });
    expect(f.list()[0]).toMatchObject({ state: 'failed' });
    expect(f.list()[0].message).toContain('the standing fence failed: dc-1');
    expect(reported).toEqual(['DC: fence failed']);
  });

  it('the polls between the fence step and the recorded activation keep the order; DC answering after it is fenced', async () => {
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.record('ex-1', order, ['dc-1', 'dc-2']);
    const runs: FenceOrder[] = [];
    const run = async (o: FenceOrder) => {
      runs.push(o);
      return { summary: 'fenced' };
    };
    // Steps 2 to 4 of the activation: the fence step left its order, the activation is not recorded yet.
    for (let i = 0; i < 5; i++) await f.onOverview(dc(false, null), run);
    expect(f.list()).toHaveLength(1);
    await f.onOverview(dc(false), run);
    await f.onOverview(dc(true), run);
    expect(runs).toEqual([order]);
  });

  it('an order whose activation never came is retired once its fence window has passed', async () => {
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.record('ex-1', { ...order, seconds: 0 }, ['dc-1']);
    await f.onOverview(dc(true, null), async () => ({ summary: '' }));
    expect(f.list()).toEqual([]);
  });

  it('a failback (no activation any more) retires the order: nothing is fenced', async () => {
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.record('ex-1', order, ['dc-1']);
    await f.onOverview(dc(false), async () => ({ summary: '' }));
    let ran = 0;
    await f.onOverview(dc(true, null), async () => {
      ran++;
      return { summary: '' };
    });
    expect(ran).toBe(0);
    expect(f.list()).toEqual([]);
  });

  it('without an activation state known (no backup feature) it does nothing', async () => {
    const f = new StandingFences(new BetterSqlite3(':memory:'));
    f.record('ex-1', order, ['dc-1']);
    const o = dc(true);
    delete o.activation;
    await f.onOverview(o, async () => ({ summary: '' }));
    expect(f.list()[0].state).toBe('waiting');
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../../src/shared/monitor';
import { worst, type Reason } from '../../../src/shared/status';
import { createDesk, type Desk } from '../../../src/main/desk';
import { PROBE_SLACK_MS } from '../../../src/main/monitor/collector';
import { Monitor } from '../../../src/main/monitor/monitor';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

/**
 * The embedded default: no topology configured, so Desk starts the sandbox (fast mode: 1 s polls) and
 * watches it through the real driver. Then every DC member dies.
 */
let desk: Desk;
const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-unreach-'));

beforeAll(async () => {
  desk = await createDesk({ dataDir, secretStore: new MemorySecretStore(), sandbox: { fast: true }, features: [] });
});
afterAll(async () => {
  await desk.close();
});

// A sandbox sharing a loaded 2-core machine can miss a fast-mode heartbeat and hold a real election; that
// is a correct RECENT_ELECTION (yellow), not what these tests are about.
const significant = (reasons: Reason[]): Reason[] => reasons.filter((r) => r.code !== 'RECENT_ELECTION');
const levelOf = (reasons: Reason[]): string => worst(significant(reasons).map((r) => r.level));

const outage = { from: 0, to: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
};

async function waitFor(pred: (o: Overview) => boolean, ms: number): Promise<Overview> {
  const until = Date.now() + ms;
  let o = await desk.getOverview();
  while (!pred(o) && Date.now() < until) {
    await sleep(100);
    o = await desk.getOverview();
  }
  return o;
}

describe('monitor on the sandbox (embedded default)', () => {
  it('starts the sandbox when no topology is configured and shows both sites green', async () => {
    const t = await desk.getTopology();
    expect(t.sandbox).toBe(true);
    expect(t.topology.pollIntervalSeconds).toBe(1);
    const o = await waitFor((x) => x.polledAt !== null && levelOf(x.status.reasons) === 'green' && x.sites[0].replicaSets[0].members[0].oplogWindowHours !== null, 20_000);
    expect(o.sandbox).toBe(true);
    expect(significant(o.status.reasons)).toEqual([]);
    expect(o.sites.map((s) => [s.name, s.replicaSets[0].members.map((m) => `${m.name}:${m.stateStr}`).join(',')])).toEqual([
      ['DC', 'dc-1:PRIMARY,dc-2:SECONDARY,dc-3:ARBITER'],
      ['DR', 'dr-1:PRIMARY,dr-2:SECONDARY,dr-3:ARBITER'],
    ]);
    const dc1 = o.sites[0].replicaSets[0].members[0];
    expect(dc1.version).toMatch(/^\d+\.\d+/);
    expect(dc1.oplogWindowHours).toBeGreaterThan(24);
    expect(o.sites[0].app[0]).toMatchObject({ ok: true, httpStatus: 200 });
  });

  it('kill every DC member: DC unreachable since T with last known state within one poll + the deadline; DR keeps updating; nothing hangs', async () => {
    const topology = (await desk.getTopology()).topology;
    const bound = topology.pollIntervalSeconds * 1000 + topology.requestTimeoutMs;
    const before = await desk.getOverview();
    const killedAt = Date.now();
    outage.from = killedAt;
    await desk.context.sandbox!.fault({ action: 'kill', target: 'DC' });
    const o = await waitFor((x) => !x.sites[0].reachable, bound + 1000);
    const seenAfter = Date.now() - killedAt;
    const dc = o.sites[0];
    expect(dc.reachable).toBe(false);
    expect(seenAfter).toBeLessThanOrEqual(bound + 1000);
    expect(Date.parse(dc.unreachableSince!)).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(dc.lastSeen).not.toBeNull();
    expect(dc.replicaSets[0].members.map((m) => `${m.name}:${m.stateStr}:${m.reachable}`)).toEqual(['dc-1:PRIMARY:false', 'dc-2:SECONDARY:false', 'dc-3:ARBITER:false']);
    const reason = dc.status.reasons.find((r) => r.code === 'SITE_UNREACHABLE')!;
    expect(reason.level).toBe('red');
    expect(reason.message).toMatch(/^DC unreachable since .*; last known state from .*: rs-dc: dc-1 PRIMARY, dc-2 SECONDARY, dc-3 ARBITER/);

    // DR keeps updating while DC is dead, and no call waits on the dead site.
    const drSeen1 = Date.parse(o.sites[1].lastSeen!);
    await sleep(2500);
    const calls = await Promise.all([
      timed(() => desk.getOverview()),
      timed(() => desk.getHistory({ metric: 'lag', range: '15m' })),
      timed(() => desk.getAlerts({ limit: 10 })),
      timed(() => desk.listSecrets()),
    ]);
    for (const c of calls) expect(c.ms).toBeLessThan(1000);
    const later = calls[0].value as Overview;
    expect(Date.parse(later.sites[1].lastSeen!)).toBeGreaterThan(drSeen1);
    expect(levelOf(later.sites[1].status.reasons)).toBe('green');
    expect(later.stale).toBe(true);
    expect(later.sites[0].lastSeen).toBe(dc.lastSeen);
    expect(Date.parse(later.polledAt!)).toBeGreaterThan(Date.parse(before.polledAt!));

    // The site going red was alerted and recorded.
    const alerts = await desk.getAlerts({ limit: 10 });
    expect(alerts.find((a) => a.subject === 'DC' && a.to === 'red')).toBeDefined();

    // Each poll cycle stays bounded by the deadline even with three dead members.
    const p0 = Date.now();
    await desk.context.monitor.pollOnce();
    expect(Date.now() - p0).toBeLessThan(topology.requestTimeoutMs + 1500);

    // Back: the site answers again (a revived set's election is the sandbox's business, not asserted here).
    outage.to = Date.now();
    await desk.context.sandbox!.fault({ action: 'revive', target: 'DC' });
    const back = await waitFor((x) => x.sites[0].reachable, bound + 2000);
    expect(back.sites[0].reachable).toBe(true);
    expect(back.sites[0].unreachableSince).toBeNull();
    expect(back.sites[0].status.reasons.some((r) => r.code === 'SITE_UNREACHABLE')).toBe(false);
  });

  it('charts lag per data-bearing member from history', async () => {
    const series = await desk.getHistory({ metric: 'lag', range: '15m' });
    expect(series.map((s) => s.key).sort()).toEqual(['DC/dc-1', 'DC/dc-2', 'DR/dr-1', 'DR/dr-2']);
    expect(series.every((s) => s.points.length > 2)).toBe(true);
    // While DC was unreachable its members' lag was recorded as "no value", which a chart draws as a gap.
    const rows = desk.context.database.db
      .prepare("SELECT s.ts, s.value FROM history_samples s JOIN history_series h ON h.id = s.series WHERE h.metric = 'lag' AND h.key = 'DC/dc-2' AND s.ts BETWEEN ? AND ? ORDER BY s.ts")
      .all(outage.from, outage.to) as Array<{ ts: number; value: number | null }>;
    expect(rows.some((r) => r.value === null), JSON.stringify(rows)).toBe(true);
    const dcSeries = series.find((s) => s.key === 'DC/dc-2')!.points;
    expect(dcSeries.some(([, v]) => v === null), JSON.stringify(dcSeries)).toBe(true);
  });

  it('a member down when monitoring starts is seen as soon as it comes back', async () => {
    const sandbox = desk.context.sandbox!;
    await sandbox.fault({ action: 'kill', target: 'dr-2' });
    const { topology } = await desk.getTopology();
    const monitor = new Monitor({ topology, secrets: new MemorySecretStore(), cycleBudgetMs: topology.requestTimeoutMs + PROBE_SLACK_MS });
    try {
      const down = await monitor.pollOnce();
      expect(down.sites[1].replicaSets[0].members[1]).toMatchObject({ name: 'dr-2', reachable: false, lastSeen: null });
      await sandbox.fault({ action: 'revive', target: 'dr-2' });
      let up = await monitor.pollOnce();
      for (let i = 0; i < 10 && !up.sites[1].replicaSets[0].members[1].reachable; i++) up = await monitor.pollOnce();
      expect(up.sites[1].replicaSets[0].members[1]).toMatchObject({ name: 'dr-2', reachable: true, lastError: null });
    } finally {
      await monitor.stop();
    }
  });
});

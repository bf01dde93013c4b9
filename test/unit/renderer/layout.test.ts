import { describe, expect, it } from 'vitest';
import type { MemberView, Overview, SiteView } from '../../../src/shared/monitor';
import { arcAway, layoutDiagram, NODE_R, rimToRim, SITE_WIDTH } from '../../../src/renderer/pages/overview/layout';

const green = { level: 'green' as const, reasons: [] };
const member = (name: string, expectedRole: MemberView['expectedRole']) => ({ name, expectedRole }) as MemberView;

function site(name: string, role: 'dc' | 'dr', members: MemberView[], apps = 1): SiteView {
  return {
    name,
    role,
    reachable: true,
    lastSeen: null,
    unreachableSince: null,
    status: green,
    app: Array.from({ length: apps }, (_, i) => ({ url: `http://a/${i}`, ok: true, httpStatus: 200, latencyMs: 1, checkedAt: null, error: null })),
    replicaSets: [{ name: `rs-${name}`, primary: null, term: 1, electionDate: null, status: green, members }],
  };
}

const three = (p: string) => [member(`${p}-2`, 'secondary'), member(`${p}-1`, 'primary'), member(`${p}-3`, 'arbiter')];
const overview = (sites: SiteView[]): Overview => ({ topologyName: 't', sandbox: true, polledAt: null, pollIntervalMs: 5000, sites, status: green, stale: false });

describe('site diagram layout', () => {
  it('puts DC left of DR whatever the order in the topology, with one backup link between them', () => {
    const l = layoutDiagram(overview([site('DR', 'dr', three('dr')), site('DC', 'dc', three('dc'))]));
    expect(l.sites.map((s) => s.site.name)).toEqual(['DC', 'DR']);
    expect(l.sites[1].x).toBeGreaterThan(l.sites[0].x + SITE_WIDTH);
    expect(l.backupLinks).toHaveLength(1);
    expect(l.backupLinks[0].from.site.name).toBe('DC');
    expect(l.backupLinks[0].to.site.name).toBe('DR');
  });

  it('keeps the expected primary on top, its labels to the right, the others on a row below', () => {
    const [dc] = layoutDiagram(overview([site('DC', 'dc', three('dc'))])).sites;
    const places = new Map(dc.replicaSets[0].members.map((m) => [m.name, m]));
    expect(places.get('dc-1')!.y).toBeLessThan(places.get('dc-2')!.y);
    expect(places.get('dc-2')!.y).toBe(places.get('dc-3')!.y);
    expect(places.get('dc-1')!.labels).toBe('right');
    expect(places.get('dc-2')!.labels).toBe('below');
    for (const p of places.values()) {
      expect(p.x - NODE_R).toBeGreaterThan(0);
      expect(p.x + NODE_R).toBeLessThan(SITE_WIDTH);
    }
  });

  it('wraps large replica sets onto more rows and keeps every node inside its site', () => {
    const seven = [member('m-1', 'primary'), ...Array.from({ length: 6 }, (_, i) => member(`m-${i + 2}`, 'secondary'))];
    const l = layoutDiagram(overview([site('DC', 'dc', seven, 3)]));
    const rows = new Set(l.sites[0].replicaSets[0].members.map((m) => m.y));
    expect(rows.size).toBe(3);
    for (const m of l.sites[0].replicaSets[0].members) expect(m.y + NODE_R).toBeLessThan(l.height);
    expect(l.sites[0].app.boxes).toHaveLength(3);
  });

  it('draws edges from rim to rim and bows heartbeat arcs away from the middle', () => {
    const [a, b] = rimToRim({ x: 0, y: 0 }, { x: 100, y: 0 });
    expect(a.x).toBe(NODE_R + 4);
    expect(b.x).toBe(100 - NODE_R - 4);
    const path = arcAway({ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 50, y: 50 }, 10);
    expect(path).toBe('M0,0 Q50,-10 100,0');
  });
});

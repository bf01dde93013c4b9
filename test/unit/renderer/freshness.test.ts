import { describe, expect, it } from 'vitest';
import type { Overview, SiteView } from '../../../src/shared/monitor';
import { freshness } from '../../../src/renderer/app/freshness';
import type { ConnectionState } from '../../../src/renderer/desk-client/connection';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const open: ConnectionState = { kind: 'open', since: NOW - 60_000 };
const green = { level: 'green' as const, reasons: [] };

function site(name: string, reachable = true, downMember = false): SiteView {
  return {
    name,
    role: name === 'DC' ? 'dc' : 'dr',
    reachable,
    lastSeen: new Date(NOW - 1000).toISOString(),
    unreachableSince: reachable ? null : new Date(NOW - 20_000).toISOString(),
    app: [],
    status: green,
    replicaSets: [
      {
        name: `rs-${name}`,
        primary: null,
        term: 1,
        electionDate: null,
        status: green,
        members: downMember ? [{ name: `${name}-1`, reachable: false, unreachableSince: new Date(NOW - 9000).toISOString() } as never] : [],
      },
    ],
  };
}

function overview(polledAgoMs: number, sites: SiteView[], stale = false): Overview {
  return { topologyName: 't', sandbox: true, polledAt: new Date(NOW - polledAgoMs).toISOString(), pollIntervalMs: 5000, sites, status: green, stale };
}

const snap = (o: Overview | null) => ({ overview: o, receivedAt: NOW, error: null });

describe('freshness', () => {
  it('is fresh while polls are on time and every site answers', () => {
    expect(freshness(snap(overview(4000, [site('DC'), site('DR')])), open, NOW)).toEqual({ kind: 'fresh' });
  });

  it('is stale once the last poll is older than two poll intervals', () => {
    const f = freshness(snap(overview(10_001, [site('DC'), site('DR')])), open, NOW);
    expect(f).toMatchObject({ kind: 'stale', pollLate: true, silentSites: [], silentMembers: [] });
  });

  it('names the silent site, not a late poll, when polls are on time', () => {
    const f = freshness(snap(overview(1000, [site('DC', false), site('DR')], true)), open, NOW);
    expect(f).toMatchObject({ kind: 'stale', pollLate: false, silentSites: [{ name: 'DC' }] });
  });

  it('names a silent member of a site that still answers', () => {
    const f = freshness(snap(overview(1000, [site('DC', true, true), site('DR')], true)), open, NOW);
    expect(f).toMatchObject({ kind: 'stale', pollLate: false, silentSites: [], silentMembers: [{ name: 'DC-1' }] });
  });

  it('says the engine flagged stale data even when it cannot say what', () => {
    expect(freshness(snap(overview(1000, [site('DC'), site('DR')], true)), open, NOW)).toMatchObject({ kind: 'stale', pollLate: true });
  });

  it('puts a lost connection first and keeps the time of the data shown', () => {
    const lost: ConnectionState = { kind: 'lost', since: NOW - 3000, attempt: 2, retryAt: NOW + 500, reason: 'gone' };
    const o = overview(3000, [site('DC'), site('DR')]);
    expect(freshness(snap(o), lost, NOW)).toMatchObject({ kind: 'lost', polledAt: o.polledAt });
  });

  it('reports an error before the first overview', () => {
    const f = freshness({ overview: null, receivedAt: null, error: { code: 'TIMEOUT', message: 'no answer' } as never }, open, NOW);
    expect(f).toEqual({ kind: 'error', message: 'TIMEOUT: no answer' });
  });
});

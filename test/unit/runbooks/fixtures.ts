import { topologySchema, type Topology } from '../../../src/shared/topology';

/** Two sites, three members each (primary, secondary, arbiter), SSH hosts with services on both. */
export function twoSiteTopology(overrides: { drServices?: string[]; drHost?: string } = {}): Topology {
  const rs = (site: string, base: number) => ({
    name: `rs-${site}`,
    members: [
      { name: `${site}-1`, host: '127.0.0.1', port: base, role: 'primary' as const },
      { name: `${site}-2`, host: '127.0.0.1', port: base + 1, role: 'secondary' as const },
      { name: `${site}-3`, host: '127.0.0.1', port: base + 2, role: 'arbiter' as const },
    ],
  });
  return topologySchema.parse({
    name: 'test topology',
    sites: [
      { name: 'DC', role: 'dc', replicaSets: [rs('dc', 27017)], ssh: [{ name: 'dc-app', host: '10.0.0.1', username: 'ops', keySecret: 'dc-key', services: ['soar'] }], appHealthUrls: ['http://127.0.0.1:8081/health'] },
      {
        name: 'DR',
        role: 'dr',
        replicaSets: [rs('dr', 28017)],
        ssh: [{ name: 'dr-app', host: overrides.drHost ?? '10.0.1.1', username: 'ops', keySecret: 'dr-key', services: overrides.drServices ?? ['soar', 'soar-worker'] }],
        appHealthUrls: ['http://127.0.0.1:8082/health'],
      },
    ],
  });
}

import type { TopologyInput } from '../../shared/topology';
import type { SandboxMemberInfo } from './types';

export interface SiteLayout {
  name: string;
  role: 'dc' | 'dr';
  replicaSet: string;
  members: Array<{ name: string; priority: number; arbiter: boolean }>;
}

/** The seeds' topology: two sites, each a primary (priority 2), a secondary and an arbiter. */
export const DEFAULT_LAYOUT: SiteLayout[] = [
  {
    name: 'DC',
    role: 'dc',
    replicaSet: 'rs-dc',
    members: [
      { name: 'dc-1', priority: 2, arbiter: false },
      { name: 'dc-2', priority: 1, arbiter: false },
      { name: 'dc-3', priority: 0, arbiter: true },
    ],
  },
  {
    name: 'DR',
    role: 'dr',
    replicaSet: 'rs-dr',
    members: [
      { name: 'dr-1', priority: 2, arbiter: false },
      { name: 'dr-2', priority: 1, arbiter: false },
      { name: 'dr-3', priority: 0, arbiter: true },
    ],
  },
];

/** Name of the keychain secret the topology refers to when the sandbox runs with auth. */
export const SANDBOX_PASSWORD_SECRET = 'drdesk-sandbox-mongodb';

export function buildTopology(
  layout: SiteLayout[],
  members: Map<string, SandboxMemberInfo>,
  control: string,
  opts: { username?: string; fast: boolean },
): TopologyInput {
  return {
    name: 'DR Desk sandbox',
    sites: layout.map((site) => ({
      name: site.name,
      role: site.role,
      replicaSets: [
        {
          name: site.replicaSet,
          members: site.members.map((m) => {
            const info = members.get(m.name)!;
            const port = Number(info.host.split(':')[1]);
            return { name: m.name, host: '127.0.0.1', port, role: info.role };
          }),
          ...(opts.username ? { auth: { username: opts.username, passwordSecret: SANDBOX_PASSWORD_SECRET, authSource: 'admin' } } : {}),
        },
      ],
      ssh: [],
      appHealthUrls: [`${control}/app/${site.name}/health`],
    })),
    pollIntervalSeconds: opts.fast ? 1 : 5,
    backup: { intervalMinutes: 30, keep: 5, from: 'DC', to: 'DR' },
  };
}

import { startSandbox, type Sandbox } from '../../src/main/sandbox';
import type { TopologyInput } from '../../src/shared/topology';

/**
 * A fleet of sandboxes in one process, for the monitor benchmark: the sandbox API starts the seeds' two-set
 * topology, so N sandboxes give 2N replica sets × 3 members. Prints one JSON line — a topology with one site
 * per sandbox site (DC-1, DR-1, DC-2, …) — then runs until SIGTERM/SIGINT.
 */
const count = Number(process.argv[2] ?? 50);
const fleet: Sandbox[] = [];
for (let i = 0; i < count; i++) fleet.push(await startSandbox({ fast: process.argv.includes('--fast') }));

const topology: TopologyInput = {
  name: `fleet of ${count} sandboxes`,
  pollIntervalSeconds: 5,
  sites: fleet.flatMap((sb, i) =>
    (sb.topology.sites as TopologyInput['sites']).map((site) => ({
      ...site,
      name: `${site.name}-${i + 1}`,
      replicaSets: site.replicaSets.map((rs) => ({ ...rs, members: rs.members.map((m) => ({ ...m, name: `${m.name}-${i + 1}` })) })),
    })),
  ),
};
process.stdout.write(`${JSON.stringify(topology)}\n`);

const stop = async (): Promise<void> => {
  await Promise.all(fleet.map((s) => s.stop()));
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DeskError } from '../shared/errors';
import { SettingsFile } from './config/settings';
import { loadTopologyFile, type LoadedTopology } from './config/topology-file';
import { Desk, resolveTopology } from './desk';
import type { DeskFeature } from './feature/contract';
import type { Sandbox, SandboxOptions } from './sandbox/types';
import { DATABASE_FILE, openDatabase } from './store/database';
import { KeyringSecretStore } from './store/keyring-secret-store';
import type { SecretStore } from './store/secret-store';

/**
 * Where a command's topology comes from:
 * - `none`: the command needs none (identities, roster, requests, the audit log); asking for it is refused;
 * - `file`: the given file, else the one in the data directory's settings, else refused with `missing`;
 * - `sandbox`: a throwaway sandbox started for the command and stopped by close().
 */
export type TopologyNeed = { need: 'none' } | { need: 'file'; missing: string } | { need: 'sandbox'; sandbox?: SandboxOptions };

export interface OpenDeskOptions {
  dataDir: string;
  topologyPath?: string;
  /** Default: the OS keychain, indexed in the data directory. */
  secretStore?: SecretStore;
  topology: TopologyNeed;
  /** Features whose DeskApi methods the command calls through desk.api(); default none (services only). */
  features?: DeskFeature[];
}

/**
 * The engine for one command (the CLI): the same Desk the web host and Electron build, in a light mode —
 * nothing polls and nothing runs on a schedule, no feature is installed unless asked, and the database,
 * the monitor and every service are built the first time the command asks for them
 * (`desk.services.get(APPROVALS)`, `desk.context.monitor`), so a command opens only what it uses. One
 * close() closes whatever was opened. The monitor stores nothing (no history, no alerts) and waits for
 * every probe, each bounded by the request deadline.
 */
export async function openDesk(o: OpenDeskOptions): Promise<Desk> {
  const secrets = o.secretStore ?? new KeyringSecretStore(o.dataDir);
  // The monitor (and the MongoDB driver under it) is loaded only for a command with a topology to watch.
  const monitoring = o.topology.need === 'none' ? null : await Promise.all([import('./monitor/monitor'), import('./monitor/collector')]);
  const { topology, sandbox } = await topologyFor(o);
  const desk = new Desk({
    dataDir: o.dataDir,
    secrets,
    settings: new SettingsFile(o.dataDir),
    sandbox,
    oneShot: true,
    topology,
    database: () => openDatabase(join(o.dataDir, DATABASE_FILE)),
    monitor: () => {
      const loaded = topology();
      if (!monitoring) throw new DeskError('NO_TOPOLOGY', 'This command opened DR Desk without a topology: there is nothing to monitor.');
      const [{ Monitor }, { PROBE_SLACK_MS }] = monitoring;
      return new Monitor({ topology: loaded.topology, secrets, sandbox: sandbox !== null, cycleBudgetMs: loaded.topology.requestTimeoutMs + PROBE_SLACK_MS });
    },
  });
  try {
    for (const f of o.features ?? []) await desk.install(f);
    return desk;
  } catch (err) {
    await desk.close();
    throw err;
  }
}

/** Whether the data directory holds a Desk database yet (a one-shot read does not create one). */
export function hasDeskDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, DATABASE_FILE));
}

async function topologyFor(o: OpenDeskOptions): Promise<{ topology: () => LoadedTopology; sandbox: Sandbox | null }> {
  const t = o.topology;
  if (t.need === 'none')
    return {
      topology: () => {
        throw new DeskError('NO_TOPOLOGY', 'This command opened DR Desk without a topology, and something it ran needed one.');
      },
      sandbox: null,
    };
  if (t.need === 'sandbox') {
    // The data directory's configured topology is not the sandbox's: a throwaway is always a fresh start.
    const { loaded, sandbox } = await resolveTopology({ dataDir: o.dataDir, sandbox: t.sandbox, forceSandbox: true });
    return { topology: () => loaded, sandbox };
  }
  const path = o.topologyPath ?? new SettingsFile(o.dataDir).read().topologyPath;
  if (!path) throw new DeskError('NO_TOPOLOGY', t.missing);
  const loaded = await loadTopologyFile(path);
  return { topology: () => loaded, sandbox: null };
}

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemberView, Overview } from '../../../shared/monitor';
import type { Level } from '../../../shared/status';
import { localizeTimes, zoneLabel } from '../../../shared/time';
import { DeskError } from '../../../shared/errors';
import { defaultDataDir } from '../../config/data-dir';
import { SettingsFile } from '../../config/settings';
import { loadTopologyFile, validateTopology, type LoadedTopology } from '../../config/topology-file';
import { withDeadline } from '../../connectors/deadline';
import { PROBE_SLACK_MS } from '../../monitor/collector';
import { Monitor } from '../../monitor/monitor';
import { pictureSource } from '../../picture/feature';
import { createBackupRoutes } from '../../backup/feature';
import type { BackupRoutes } from '../../backup/routes';
import { DATABASE_FILE, openDatabase, type DeskDatabase } from '../../store/database';
import type { Sandbox } from '../../sandbox/types';
import { KeyringSecretStore } from '../../store/keyring-secret-store';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk status [--topology FILE] [--json] [--sandbox] [--data-dir DIR]

One-shot status of every site, replica set and member: state, lag (s), oplog window (h), status and reasons.
  --topology FILE  the topology file (YAML or JSON), e.g. the topologyFile "drdesk sandbox" prints;
                   default: the one configured in the data directory's settings
  --json           print the overview as JSON
  --sandbox        start a throwaway sandbox (fast mode) and report on it
  --data-dir DIR   settings and secret index (default: $DRDESK_DATA_DIR or the per-user config directory)
The status includes the backup's readiness (no baseline, RPO over target, chain broken, pipeline stopped):
from the data directory's database, or a fresh one with --sandbox.
Exit code: 0 green, 1 yellow, 2 red, 3 error. Elections are reported by the running monitor, which sees the
primary change; a one-shot status cannot.
`;

export const EXIT_CODES: Record<Level, number> = { green: 0, yellow: 1, red: 2, unknown: 3 };

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

function memberLine(m: MemberView): string {
  const state = m.reachable ? m.stateStr : `${m.stateStr} (unreachable${m.unreachableSince ? ` since ${m.unreachableSince}` : ''})`;
  return `    ${pad(m.name, 12)} ${pad(m.host, 22)} ${pad(state, 30)} ${pad(num(m.lagSeconds, 1), 7)} ${pad(num(m.oplogWindowHours, 1), 9)} ${m.status.level.toUpperCase()}`;
}

/** "DR holds DC's writes up to T (N s behind)", or that it holds none. */
export function holdsLine(o: Overview): string | null {
  const b = o.backup;
  if (!b) return null;
  if (!b.coveredUntil) return `${b.to} holds no copy of ${b.from}'s writes yet`;
  return `${b.to} holds ${b.from}'s writes up to ${b.coveredUntil}${b.behindSeconds !== null ? ` (${Math.round(b.behindSeconds)} s behind, target ${b.targetSeconds} s)` : ''}`;
}

export function renderText(o: Overview): string {
  const lines = [`${o.topologyName}: ${o.status.level.toUpperCase()}${o.sandbox ? ' (sandbox)' : ''} — polled ${o.polledAt ?? 'never'}`];
  if (o.activation) lines.push(`${o.activation.site} was activated at ${o.activation.at} (${o.activation.label}): it takes the writes, ${o.activation.from} must not`);
  const holds = holdsLine(o);
  if (holds) lines.push(`Backup: ${o.backup!.level.toUpperCase()} — ${holds}`);
  if (o.status.reasons.length) lines.push(`Worst: ${o.status.reasons.find((r) => r.level === o.status.level)?.message ?? o.status.reasons[0].message}`);
  for (const s of o.sites) {
    const role = s.active === undefined ? s.role.toUpperCase() : `${s.role.toUpperCase()}, ${s.active ? 'active' : 'standby'}`;
    lines.push('', `${s.name} (${role}): ${s.status.level.toUpperCase()}${s.reachable ? '' : ` — unreachable since ${s.unreachableSince ?? 'start'}, last seen ${s.lastSeen ?? 'never'}`}`);
    for (const a of s.app) lines.push(`  app ${a.url}: ${a.ok === null ? 'not checked' : a.ok ? `ok (${a.latencyMs} ms)` : `DOWN — ${a.error}`}`);
    for (const rs of s.replicaSets) {
      lines.push(`  ${rs.name}: primary ${rs.primary ?? 'NONE'}, term ${rs.term ?? '-'}`);
      lines.push(`    ${pad('MEMBER', 12)} ${pad('HOST', 22)} ${pad('STATE', 30)} ${pad('LAG s', 7)} ${pad('OPLOG h', 9)} STATUS`);
      for (const m of rs.members) lines.push(memberLine(m));
    }
  }
  if (o.status.reasons.length) {
    lines.push('', 'Reasons:');
    for (const r of o.status.reasons) lines.push(`  ${pad(r.level.toUpperCase(), 6)} ${pad(r.code, 18)} ${r.message}`);
  }
  // The app's one time format in the terminal too: local 24 h, the zone said once.
  return `${localizeTimes(lines.join('\n'))}\n(times are local, ${zoneLabel()})\n`;
}

async function startThrowawaySandbox(): Promise<{ sandbox: Sandbox; loaded: LoadedTopology }> {
  const { startSandbox } = await import('../../sandbox');
  const sandbox = await startSandbox({ fast: true });
  return { sandbox, loaded: { topology: validateTopology(sandbox.topology, 'the sandbox topology'), source: sandbox.description.topologyFile } };
}

/** Polls until every set has a primary (a fresh sandbox holds its first elections), within `ms`. */
async function settle(monitor: Monitor, ms: number): Promise<Overview> {
  const until = Date.now() + ms;
  let o = await monitor.pollOnce();
  while (Date.now() < until && o.sites.some((s) => s.replicaSets.some((r) => r.primary === null))) {
    await new Promise((r) => setTimeout(r, 250));
    o = await monitor.pollOnce();
  }
  return o;
}

const OPTIONS = { ...strings('topology', 'data-dir'), ...flags('json', 'sandbox') };

export const run = subcommand({ name: 'status', help: HELP, options: OPTIONS }, async ({ values }) => {
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let sandbox: Sandbox | null = null;
  let loaded: LoadedTopology;
  if (values.sandbox) {
    if (values.topology) throw new DeskError('USAGE', 'Give either --topology FILE or --sandbox, not both');
    ({ sandbox, loaded } = await startThrowawaySandbox());
  } else {
    const path = values.topology ?? new SettingsFile(dataDir).read().topologyPath;
    if (!path)
      throw new DeskError(
        'NO_TOPOLOGY',
        'No topology given and none configured: pass --topology FILE (for example the topologyFile that "drdesk sandbox" prints), or --sandbox to check a throwaway sandbox',
      );
    loaded = await loadTopologyFile(path);
  }
  // One shot: wait for every probe (each bounded by the request deadline), not just one poll interval.
  const secrets = new KeyringSecretStore(dataDir);
  const monitor = new Monitor({ topology: loaded.topology, secrets, sandbox: sandbox !== null, cycleBudgetMs: loaded.topology.requestTimeoutMs + PROBE_SLACK_MS });
  const backup = openBackup(sandbox, loaded, dataDir, secrets);
  if (backup) monitor.setPictureSource(pictureSource(backup.routes));
  try {
    const overview = sandbox ? await settle(monitor, 15_000) : await monitor.pollOnce();
    process.stdout.write(values.json ? `${JSON.stringify(overview, null, 2)}\n` : renderText(overview));
    return EXIT_CODES[overview.status.level];
  } finally {
    await withDeadline(monitor.stop(), 5000, 'closing connections').catch(() => undefined);
    await backup?.close();
    await sandbox?.stop();
  }
});

/**
 * The backup routes the status reads readiness from: the app's own database in the data directory (where the
 * backup runs), or a fresh one for a throwaway sandbox (which has no baseline yet). Nothing is scheduled.
 */
function openBackup(sandbox: Sandbox | null, loaded: LoadedTopology, dataDir: string, secrets: KeyringSecretStore): { routes: BackupRoutes; close: () => Promise<void> } | null {
  let dir = dataDir;
  if (sandbox) dir = mkdtempSync(join(tmpdir(), 'drdesk-status-'));
  else if (!existsSync(join(dataDir, DATABASE_FILE))) return null;
  const database: DeskDatabase = openDatabase(join(dir, DATABASE_FILE));
  const routes = createBackupRoutes({ dataDir: dir, database, secrets, topology: loaded, sandbox, events: { emit: () => undefined } });
  return {
    routes,
    close: async () => {
      await routes.close().catch(() => undefined);
      database.close();
      if (sandbox) rmSync(dir, { recursive: true, force: true });
    },
  };
}

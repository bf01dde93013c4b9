import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemberView, Overview } from '../../../shared/monitor';
import type { Level } from '../../../shared/status';
import { localizeTimes, zoneLabel } from '../../../shared/time';
import { DeskError } from '../../../shared/errors';
import { defaultDataDir } from '../../config/data-dir';
import type { Monitor } from '../../monitor/monitor';
import { pictureSource } from '../../picture/feature';
import { BACKUP_ROUTES } from '../../backup/feature';
import type { Desk } from '../../desk';
import { hasDeskDatabase, openDesk } from '../../desk-open';
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
  if (values.sandbox && values.topology) throw new DeskError('USAGE', 'Give either --topology FILE or --sandbox, not both');
  // A throwaway sandbox gets a fresh database of its own (it has no baseline yet); the keychain stays this user's.
  const scratch = values.sandbox ? mkdtempSync(join(tmpdir(), 'drdesk-status-')) : null;
  let desk: Desk;
  try {
    desk = await openDesk({
      dataDir: scratch ?? dataDir,
      topologyPath: values.topology,
      secretStore: new KeyringSecretStore(dataDir),
      topology: scratch
        ? { need: 'sandbox', sandbox: { fast: true } }
        : {
            need: 'file',
            missing:
              'No topology given and none configured: pass --topology FILE (for example the topologyFile that "drdesk sandbox" prints), or --sandbox to check a throwaway sandbox',
          },
    });
  } catch (err) {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  try {
    // One shot: the Desk's monitor waits for every probe (each bounded by the request deadline), stores nothing.
    const monitor = desk.context.monitor;
    // The backup's readiness from the app's own database in the data directory (where the backup runs), never
    // a database created just to be read; nothing is scheduled.
    if (scratch || hasDeskDatabase(dataDir)) monitor.setPictureSource(pictureSource(desk.services.get(BACKUP_ROUTES)));
    const overview = scratch ? await settle(monitor, 15_000) : await monitor.pollOnce();
    process.stdout.write(values.json ? `${JSON.stringify(overview, null, 2)}\n` : renderText(overview));
    return EXIT_CODES[overview.status.level];
  } finally {
    await desk.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
});

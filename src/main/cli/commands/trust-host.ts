import { createInterface } from 'node:readline/promises';
import { DeskError } from '../../../shared/errors';
import { SSH_FINGERPRINT } from '../../../shared/topology';
import { defaultDataDir } from '../../config/data-dir';
import { SettingsFile } from '../../config/settings';
import { loadTopologyFile } from '../../config/topology-file';
import { probeHostKey, type OfferedHostKey } from '../../connectors/ssh-host-probe';
import { HostKeyPins } from '../../connectors/ssh-host-keys';
import { openDesk } from '../../desk-open';
import { parseOptions } from '../args';

const HELP = `Usage: drdesk backup trust-host HOST|HOST:PORT [FINGERPRINT] [options]

Pins an SSH host's key before DR Desk sends it anything. DR Desk never trusts a host on first use: until its
key is pinned (here, on the Credentials page, or as hostKeySha256 in the topology) every connection to it is
refused before authentication.

HOST is an ssh host's name in the topology (e.g. dr-landing) or HOST:PORT. The host is asked for its key
(nothing else is sent) and the fingerprint is shown. With FINGERPRINT (compared out of band, e.g. from
"ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" on that host) the key is pinned only if it matches; without
it you are asked to confirm (a terminal is needed).
Options:
  --offline          pin FINGERPRINT without asking the host (it is unreachable from here now)
  --topology FILE    the topology file, to resolve ssh host names; default: the configured one
  --data-dir DIR     where the pins are kept (default: $DRDESK_DATA_DIR or the per-user config dir)
  --json             machine-readable output
`;

async function resolveTarget(target: string, topologyPath: string | undefined, dataDir: string): Promise<{ host: string; port: number }> {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(target);
  if (m) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new DeskError('USAGE', `"${target}": the port must be from 1 to 65535`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  }
  const path = topologyPath ?? new SettingsFile(dataDir).read().topologyPath;
  if (!path) throw new DeskError('USAGE', `"${target}" is not HOST:PORT and no topology is configured to look it up: give HOST:PORT or --topology FILE`);
  const { topology } = await loadTopologyFile(path);
  const hosts = topology.sites.flatMap((s) => s.ssh);
  const h = hosts.find((x) => x.name === target) ?? hosts.find((x) => x.host === target);
  if (!h) throw new DeskError('USAGE', `No ssh host named "${target}" in ${path}: use one of ${hosts.map((x) => x.name).join(', ') || '(none)'} or HOST:PORT`);
  return { host: h.host, port: h.port };
}

async function confirm(offered: OfferedHostKey): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Pin ${offered.hostPort} with this key? Compare it with the host's own fingerprint first. Type "yes" to pin: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { offline: { type: 'boolean' }, topology: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  if (positionals.length > 2) throw new DeskError('USAGE', `Unexpected arguments: ${positionals.slice(2).join(' ')}`);
  const [target, expected] = positionals;
  if (expected !== undefined && !SSH_FINGERPRINT.test(expected))
    throw new DeskError('SSH_FINGERPRINT_INVALID', `"${expected}" is not an OpenSSH SHA256 fingerprint: copy it as "SHA256:" followed by 43 base64 characters.`);
  if (values.offline && !expected) throw new DeskError('USAGE', '--offline needs the FINGERPRINT to pin.');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const { host, port } = await resolveTarget(target, values.topology, dataDir);
  const hostPort = `${host}:${port}`;

  let offered: OfferedHostKey | null = null;
  if (!values.offline) {
    offered = await probeHostKey(host, port);
    if (!values.json) process.stderr.write(`${hostPort} offers the ${offered.keyType} key ${offered.fingerprint}\n`);
    if (expected && offered.fingerprint !== expected)
      throw new DeskError(
        'SSH_FINGERPRINT_MISMATCH',
        `${hostPort} offers ${offered.fingerprint}, not the ${expected} you gave: nothing was pinned. Someone may be intercepting the connection, or the fingerprint belongs to another host or key type.`,
        { hostPort, offered: offered.fingerprint, expected },
      );
    if (!expected) {
      if (!process.stdin.isTTY)
        throw new DeskError('CONFIRMATION_NEEDED', `Nothing was pinned: without a terminal to confirm, give the fingerprint: drdesk backup trust-host ${hostPort} ${offered.fingerprint} (after comparing it with the host's own).`, {
          hostPort,
          offered: offered.fingerprint,
        });
      if (!(await confirm(offered))) {
        process.stderr.write('Not pinned.\n');
        return 1;
      }
    }
  }
  // The Desk's database, opened for this one write: the pins the app's SSH connections check.
  const desk = await openDesk({ dataDir, topology: { need: 'none' } });
  try {
    const pin = new HostKeyPins(desk.context.database.db).pin(hostPort, offered?.fingerprint ?? (expected as string), offered?.keyType ?? 'unknown');
    process.stdout.write(values.json ? `${JSON.stringify(pin, null, 2)}\n` : `Trusted ${pin.hostPort}: ${pin.fingerprint}\n`);
    return 0;
  } finally {
    await desk.close();
  }
}

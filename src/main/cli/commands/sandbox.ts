import { DeskError } from '../../../shared/errors';
import { startSandbox, type Sandbox } from '../../sandbox';
import { intOption } from '../args';
import { flags, strings, subcommand, untilStopped } from '../subcommand';

const HELP = `Usage: drdesk sandbox [--base-port N] [--fast] [--workload OPS_PER_S [--workload-txn]] [--username U --password-env VAR]
                      [--control-port N] [--oplog-mb N] [--dir DIR]

Starts the built-in practice topology on 127.0.0.1: site DC (replica set rs-dc: dc-1 primary, dc-2
secondary, dc-3 arbiter) and site DR (rs-dr: dr-1, dr-2, dr-3), plus a control endpoint. Prints one JSON
line (sites, members, topology file, control URL) and runs until Ctrl-C / SIGTERM.

  --base-port N      members listen on N..N+5 and the control endpoint on N+6 (default: free ports)
  --fast             heartbeats every 200 ms, election timeout 1 s (default: the manual's 2 s / 10 s)
  --workload N       write N ops/s (inserts + updates into soar.*) to the DC primary
  --workload-txn     write each workload op as a multi-document transaction (event + incident together)
  --username U       require SCRAM-SHA-256 with user U; the password is read from the environment
  --password-env VAR   variable holding that password (never a command-line argument)
  --control-port N   port of the control endpoint (GET /state, POST /fault, GET /app/<SITE>/health)
  --oplog-mb N       capped oplog size per data-bearing member (default 64)
  --dir DIR          where to write topology.json (default: a temporary directory, removed on exit)
`;

const OPTIONS = { ...strings('base-port', 'workload', 'username', 'password-env', 'control-port', 'oplog-mb', 'dir'), ...flags('fast', 'workload-txn') };

export const run = subcommand({ name: 'sandbox', help: HELP, options: OPTIONS }, async ({ values }) => {
  const basePort = intOption(values['base-port'], 'base-port', 1, 65_528);
  const controlPort = intOption(values['control-port'], 'control-port', 1, 65_535);
  const workload = intOption(values.workload, 'workload', 0, 100_000);
  const oplogMb = intOption(values['oplog-mb'], 'oplog-mb', 1, 4096);
  if ((values.username === undefined) !== (values['password-env'] === undefined))
    throw new DeskError('USAGE', '--username and --password-env go together: --username admin --password-env DRDESK_SANDBOX_PASSWORD');
  let auth: { username: string; password: string } | undefined;
  if (values.username !== undefined) {
    const variable = values['password-env']!;
    const password = process.env[variable];
    if (!password) throw new DeskError('USAGE', `--password-env ${variable}: the environment variable ${variable} is not set or empty`);
    auth = { username: values.username, password };
  }

  let sb: Sandbox;
  try {
    sb = await startSandbox({ basePort, controlPort, fast: values.fast, workloadOpsPerSec: workload, workloadTransactions: values['workload-txn'], auth, oplogSizeBytes: oplogMb ? oplogMb * 1024 * 1024 : undefined, dir: values.dir });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new DeskError('PORT_IN_USE', `a port the sandbox needs is in use (${e.message}): choose another --base-port, or omit it for free ports`);
    if (e.code === 'EACCES') throw new DeskError('PORT_DENIED', `not allowed to listen (${e.message}): use ports above 1024`);
    if (e.code === 'ENOENT') throw new DeskError('NO_DIR', `cannot write the topology file (${e.message}): --dir must be an existing directory`);
    throw err;
  }
  process.stdout.write(`${JSON.stringify(sb.description)}\n`);

  await untilStopped();
  await sb.stop();
  return 0;
});

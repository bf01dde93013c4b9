import { userInfo } from 'node:os';
import type { BackupModeView, BackupProgress } from '../../../shared/api/backup';
import { DeskError } from '../../../shared/errors';
import type { Level } from '../../../shared/status';
import { openBackupService } from '../open-backup';
import { renderControl, renderCycle, renderProgress, renderStatus, renderVerify } from '../backup-text';
import { defaultDataDir } from '../../config/data-dir';
import { parseOptions } from '../args';
import { parseMode } from '../../backup/mode-switch';

const SOURCE: Record<BackupModeView['source'], string> = { agent: "fixed by the agent's --continuous flag", setting: 'chosen for this data directory', default: 'the default' };

function renderMode(v: BackupModeView): string {
  const what = v.current === 'continuous' ? `continuous (DC's oplog tailed, a slice every ${v.sliceSeconds} s)` : 'interval (cycles on the schedule)';
  return `Mode: ${what}, ${SOURCE[v.source]}${v.switching ? `; switching, waiting for ${v.switching}` : ''}`;
}

const HELP = `Usage: drdesk backup <run|status|mode|verify|take-over|trust-host> [options]

Cross-site backup & restore: DC's oplog as verified slices over SSH, applied on DR in order.
  run [--baseline]      run one cycle now (capture, ship, verify, apply) and wait for it;
                        --baseline starts a new chain with a consistent copy of DC (replaces DR's data)
  status                the chain (slice states and problems), RPO, schedule, recent cycles, reasons,
                        and who holds the pipeline's lease on DR with its last heartbeat
  mode [interval|continuous]
                        show the mode, or set it: interval runs cycles on the schedule; continuous tails DC's
                        oplog and closes a slice every few seconds (RPO in seconds). A DR Desk or agent running
                        on this data directory switches within 15 s (one started with --continuous keeps it)
  take-over             run a cycle now, taking the lease from a holder whose heartbeat is older than its
                        time to live (refused while the holder is alive)
  verify [--local]      re-check every manifest link and sha256, in DC's outbox and (unless --local) on DR
  trust-host HOST|HOST:PORT [FINGERPRINT]
                        show an SSH host's key and pin it (drdesk backup trust-host --help)
Options:
  --json                machine-readable output
  --topology FILE       the topology file; default: the one configured in the data directory's settings
  --data-dir DIR        database, outbox and settings (default: $DRDESK_DATA_DIR or the per-user config dir)
Exit code: 0 green, 1 yellow, 2 red, 3 error.
`;

const EXIT: Record<Level, number> = { green: 0, yellow: 1, red: 2, unknown: 3 };

export async function run(args: string[]): Promise<number> {
  // Pins a host key after showing it; its own options (--offline), so it parses its own arguments.
  if (args[0] === 'trust-host') return (await import('./trust-host')).run(args.slice(1));
  const { values, positionals } = parseOptions(
    args,
    {
      json: { type: 'boolean' },
      baseline: { type: 'boolean' },
      local: { type: 'boolean' },
      topology: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  if (!['run', 'status', 'mode', 'verify', 'trust-host', 'take-over'].includes(sub)) throw new DeskError('USAGE', `Unknown backup command "${sub}": use run, status, mode, verify, take-over or trust-host.`);
  if (sub === 'trust-host' ? rest.length !== 2 : rest.length > (sub === 'mode' ? 1 : 0)) throw new DeskError('USAGE', `Unexpected arguments for "backup ${sub}": ${rest.join(' ') || '(missing HOST:PORT FINGERPRINT)'}`);
  if (values.baseline && sub !== 'run') throw new DeskError('USAGE', '--baseline goes with "backup run".');
  // Refused before the topology and the keychain are opened: a typo costs nothing.
  if (sub === 'mode' && rest.length) parseMode(rest[0]);
  let lastPhase = '';
  const onProgress = (p: BackupProgress) => {
    if (values.json || p.phase === lastPhase) return;
    lastPhase = p.phase;
    process.stderr.write(`${renderProgress(p)}\n`);
  };
  const { service, close } = await openBackupService({ topologyPath: values.topology, dataDir: values['data-dir'] ?? defaultDataDir(), onProgress });
  try {
    const out = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
    switch (sub) {
      case 'run': {
        const cycle = await service.run(values.baseline ? 'baseline' : 'cycle', 'manual', true);
        const status = service.status();
        out({ cycle, status }, `${renderCycle(cycle)}\n\n${renderStatus(status)}`);
        return EXIT[status.level];
      }
      case 'status': {
        // The replica sets first: a data directory without a chain has its cache rebuilt from DR's head.
        const control = await service.controlStatus();
        const status = service.status();
        out({ ...status, lease: control.lease, control }, `${renderStatus(status)}${renderControl(control, status.to)}`);
        return EXIT[status.level];
      }
      case 'take-over': {
        // Refused (LEASE_HELD, naming the holder) while the holder's heartbeat is fresh.
        const cycle = await service.takeOver();
        const after = await service.leaseStatus();
        out({ cycle, lease: after }, `${renderCycle(cycle)}\nLease: ${after.sentence}\n`);
        return cycle.state === 'ok' ? 0 : 2;
      }
      case 'mode': {
        const change = rest.length ? service.setMode(rest[0], `${userInfo().username} via drdesk backup mode`) : null;
        const view = service.schedule().mode;
        out({ ...(change ?? {}), view }, `${change ? `${change.message}\n` : ''}${renderMode(view)}\n`);
        return 0;
      }
      case 'verify': {
        const report = await service.verify(!values.local);
        out(report, renderVerify(report));
        return report.ok ? 0 : 2;
      }
      default: {
        const pin = service.trustHostKey(rest[0], rest[1]);
        out(pin, `Trusted ${pin.hostPort}: ${pin.fingerprint}\n`);
        return 0;
      }
    }
  } finally {
    await close();
  }
}

import { DeskError } from '../../../shared/errors';
import { openBackupService } from '../open-backup';
import { defaultDataDir } from '../../config/data-dir';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk agent [--topology FILE] [--data-dir DIR] [--run-now] [--interval-seconds N] [--lease-ttl-seconds N]
                    [--continuous [--slice-seconds N] [--slice-mib M]]

Headless mode for a server that stays up: runs the cross-site backup cycle on the topology's schedule
(backup.intervalMinutes, or the interval set from the app), one cycle at a time, each with a deadline,
every cycle recorded in the data directory's database. Log lines (JSON) go to stdout and to
DATA_DIR/backup/backup.log. Stops cleanly on SIGINT/SIGTERM, letting a running cycle finish.
  --run-now   start the first cycle immediately instead of after one interval
  --interval-seconds N   the schedule's interval in seconds (overrides the minutes of the topology or app)
  --lease-ttl-seconds N  the pipeline lease's time to live (default 60): how long another workstation or
                         agent waits after this agent's last heartbeat before it takes over
  --continuous           tail DC's oplog instead of cycles: a slice every --slice-seconds (default 5) or
                         --slice-mib of oplog (default 16), whichever comes first, shipped and applied
                         while the next one is captured (without the flag: the "mode" setting, else interval)
The agent holds the pipeline's lease on the DR replica set while its schedule runs, so every other
workstation's schedule waits and watches (drdesk backup status names the holder).
`;

function seconds(v: string | undefined, what: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new DeskError('USAGE', `${what} is a number of seconds, at least ${min}: not "${v}".`);
  return n * 1000;
}

function atLeastOne(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1) throw new DeskError('USAGE', `${what} is a number, at least 1: not "${v}".`);
  return n;
}

const OPTIONS = { ...strings('topology', 'data-dir', 'interval-seconds', 'lease-ttl-seconds', 'slice-seconds', 'slice-mib'), ...flags('run-now', 'continuous') };

export const run = subcommand({ name: 'agent', help: HELP, options: OPTIONS }, async ({ values }) => {
  const { service, close } = await openBackupService({
    topologyPath: values.topology,
    dataDir: values['data-dir'] ?? defaultDataDir(),
    echo: (line) => process.stdout.write(`${line}\n`),
    intervalMs: seconds(values['interval-seconds'], '--interval-seconds', 1),
    leaseTtlMs: seconds(values['lease-ttl-seconds'], '--lease-ttl-seconds', 3),
    mode: values.continuous === true ? 'continuous' : undefined,
    continuous: { sliceSeconds: atLeastOne(values['slice-seconds'], '--slice-seconds'), sliceMiB: atLeastOne(values['slice-mib'], '--slice-mib') },
  });
  const s = service.status();
  process.stdout.write(`${JSON.stringify({ event: 'agent-started', pid: process.pid, from: s.from, to: s.to, intervalMinutes: s.schedule.intervalMinutes, enabled: s.schedule.enabled, level: s.level })}\n`);
  service.start(values['run-now'] === true);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stdout.write(`${JSON.stringify({ event: 'agent-stopping', signal })}\n`);
  await close().catch((err: unknown) => {
    throw new DeskError('AGENT_STOP_FAILED', `The agent did not stop cleanly: ${(err as Error).message}`);
  });
  return 0;
});

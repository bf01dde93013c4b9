import { DeskError } from '../../shared/errors';
import { commands } from './commands';

/** `drdesk <command> [options]`. Exit codes: 0 green/ok, 1 yellow, 2 red, 3 error (usage or failure). */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 3;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`drdesk: unknown command "${name}"\n\n${usage()}`);
    return 3;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `Usage: drdesk <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "drdesk <command> --help" for a command's options.\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof DeskError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`drdesk: ${msg}\n`);
    process.exitCode = 3;
  },
);

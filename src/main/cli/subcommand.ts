import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DeskError } from '../../shared/errors';

type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: WithHelp<O>; strict: true; allowPositionals: true }>>['values'];

/** Options that take a value (`--name VALUE`), as parseArgs wants them: `strings('topology', 'data-dir')`. */
export function strings<const K extends string>(...names: K[]): Record<K, { type: 'string' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as Record<K, { type: 'string' }>;
}

/** Options that are on or off (`--json`): `flags('json', 'fast')`. */
export function flags<const K extends string>(...names: K[]): Record<K, { type: 'boolean' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'boolean' }])) as Record<K, { type: 'boolean' }>;
}

export interface CommandSpec<O extends Options> {
  /** The command's name as typed after `drdesk`, for its messages. */
  name: string;
  /** Printed for --help / -h (exit 0) and when a required subcommand is missing (exit 3). */
  help: string;
  /** The command's options; --help / -h is added to every command. */
  options: O;
  /** The subcommands it takes as its first operand; one is then required and anything else is refused. */
  subcommands?: readonly string[];
  /** How many operands must follow (after the subcommand, if any); fewer prints the help (exit 3). Default 0. */
  minOperands?: number;
  /** How many operands may follow: default minOperands. */
  maxOperands?: number;
}

export interface Invocation<O extends Options> {
  values: Values<O>;
  /** The subcommand given, or null for a command without subcommands. */
  sub: string | null;
  operands: string[];
}

/**
 * One shape for every CLI command: strict option parsing (an unknown or malformed option is a usage error,
 * exit 3, never a stack trace), --help, the subcommand checked against its list, stray operands refused.
 */
export function subcommand<const O extends Options>(spec: CommandSpec<O>, body: (call: Invocation<O>) => Promise<number>): (args: string[]) => Promise<number> {
  return async (args) => {
    const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>;
    let parsed: { values: Values<O>; positionals: string[] };
    try {
      parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as typeof parsed;
    } catch (err) {
      throw new DeskError('USAGE', (err as Error).message);
    }
    const { values, positionals } = parsed;
    if ((values as { help?: boolean }).help) {
      process.stdout.write(spec.help);
      return 0;
    }
    let sub: string | null = null;
    let operands = positionals;
    if (spec.subcommands) {
      [sub = null, ...operands] = positionals;
      if (sub === null) {
        process.stdout.write(spec.help);
        return 3;
      }
      if (!spec.subcommands.includes(sub)) throw new DeskError('USAGE', `Unknown ${spec.name} command "${sub}": use ${listOf(spec.subcommands)}.`);
    }
    const min = spec.minOperands ?? 0;
    const max = spec.maxOperands ?? min;
    if (operands.length < min) {
      process.stdout.write(spec.help);
      return 3;
    }
    if (operands.length > max) throw new DeskError('USAGE', `Unexpected arguments: ${operands.slice(max).join(' ')}`);
    return body({ values, sub, operands });
  };
}

function listOf(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Resolves on the first Ctrl-C or SIGTERM: the long-running commands (sandbox, web, agent) then stop cleanly. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

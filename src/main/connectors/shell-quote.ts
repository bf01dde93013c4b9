import { DeskError } from '../../shared/errors';

/**
 * POSIX shell quoting for commands run over SSH exec. Remote commands are always built from an argument
 * array: each argument becomes exactly one word for /bin/sh, whatever it contains, so a hostile file name
 * or directory from a config file can never become shell syntax.
 */
const SAFE_WORD = /^[A-Za-z0-9_./:=+@%,-]+$/;

export function shellQuote(arg: string): string {
  if (typeof arg !== 'string') throw new DeskError('SHELL_QUOTE', `A remote command argument must be a string, got ${typeof arg}.`);
  // A NUL byte cannot be passed to a process at all; refusing is the only safe answer.
  if (arg.includes('\0')) throw new DeskError('SHELL_QUOTE', 'A remote command argument contains a NUL byte: remove it from the path or value in the configuration.');
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  // Inside single quotes nothing is special except the single quote itself: close, escape it, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argument vector into one command line for `sh -c` on the far side. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new DeskError('SHELL_QUOTE', 'A remote command needs at least the program name.');
  return argv.map(shellQuote).join(' ');
}

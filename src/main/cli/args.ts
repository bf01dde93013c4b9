import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DeskError } from '../../shared/errors';

/** Strict option parsing: an unknown or malformed option is a usage error (exit 3), never a stack trace. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new DeskError('USAGE', (err as Error).message);
  }
}

export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new DeskError('USAGE', `--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

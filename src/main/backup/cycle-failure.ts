import { DeskError, serializeError } from '../../shared/errors';

/** A connection that failed or broke (as opposed to a server's answer). */
export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown };
  return e?.code === 'MONGO_UNREACHABLE' || (typeof e?.name === 'string' && /^Mongo(Network|ServerSelection|Topology)/.test(e.name));
}

export function unreachableError(err: unknown, target: string): DeskError {
  if (err instanceof DeskError && err.code === 'MONGO_UNREACHABLE') return err;
  return new DeskError('MONGO_UNREACHABLE', `The connection to ${target} failed (${(err as Error).message.split('\n')[0]}): check that its members are up and reachable from this machine; the next cycle continues where this one stopped.`);
}

/**
 * A failure as the cycle's record keeps it: a coded DeskError as it is; a server's bare numeric code
 * (a driver error that escaped) gets a code and a sentence.
 */
export function describeFailure(err: unknown, target: string): { code: string; message: string } {
  if (isUnreachable(err) && !(err instanceof DeskError)) return unreachableError(err, target).toJSON();
  const e = serializeError(err);
  if (!/^\d+$/.test(e.code)) return e;
  const first = e.message.split('\n')[0];
  if (e.code === '11000')
    return {
      code: 'DR_DUPLICATE_KEY',
      message: `${target} refused a write with a duplicate key (${first}): a document with the same unique key is already there, written outside this pipeline or by another chain. Nothing after it was applied; remove the conflicting document on ${target} or start a new baseline.`,
    };
  const name = (err as { codeName?: string }).codeName;
  return { code: `MONGO_${name ? name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : e.code}`, message: `The server answered with error ${e.code}${name ? ` (${name})` : ''}: ${first}.` };
}

import { DeskError, deserializeError, type SerializedError } from '../../shared/errors';

/** Any rejection as a DeskError: the transports already deliver DeskError; this covers what a component throws itself. */
export function toDeskError(err: unknown): DeskError {
  if (err instanceof DeskError) return err;
  if (isSerializedError(err)) return deserializeError(err);
  if (err instanceof Error) return new DeskError('INTERNAL', err.message);
  return new DeskError('INTERNAL', String(err));
}

function isSerializedError(err: unknown): err is SerializedError {
  return typeof err === 'object' && err !== null && typeof (err as SerializedError).code === 'string' && typeof (err as SerializedError).message === 'string';
}

import type { DeskApi } from '../../shared/desk-api';
import { DeskError, deserializeError, type SerializedError } from '../../shared/errors';

/**
 * The preload bridge rejects with plain { code, message, details } objects, because Electron's contextBridge
 * keeps only the message of an Error; this turns them back into DeskError so errors arrive whole.
 */
export function fromBridge(bridge: DeskApi): DeskApi {
  return new Proxy(bridge, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (prop === 'subscribe' || typeof value !== 'function') return value;
      const call = value as (input?: unknown) => Promise<unknown>;
      return (input?: unknown) => call(input).catch((err: unknown) => Promise.reject(toDeskError(err)));
    },
  });
}

export function toDeskError(err: unknown): DeskError {
  if (err instanceof DeskError) return err;
  if (isSerializedError(err)) return deserializeError(err);
  if (err instanceof Error) return new DeskError('INTERNAL', err.message);
  return new DeskError('INTERNAL', String(err));
}

function isSerializedError(err: unknown): err is SerializedError {
  return typeof err === 'object' && err !== null && typeof (err as SerializedError).code === 'string' && typeof (err as SerializedError).message === 'string';
}

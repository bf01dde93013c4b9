import { DeskError } from '../../shared/errors';
import type { ProbeError } from './probe-types';

/** Turns a driver error into a code and a sentence an operator can act on. */
export function describeDriverError(err: unknown, address: string, timeoutMs: number): ProbeError {
  if (err instanceof DeskError) return { code: err.code, message: err.message };
  const e = err as { name?: string; code?: unknown; codeName?: string; message?: string };
  const msg = String(e.message ?? err).split('\n')[0];
  if (e.code === 18 || e.codeName === 'AuthenticationFailed' || /authentication failed/i.test(msg))
    return { code: 'AUTH_FAILED', message: `Authentication to ${address} failed: check the user name and the password secret (drdesk secret set NAME)` };
  if (e.code === 13 || e.codeName === 'Unauthorized')
    return { code: 'UNAUTHORIZED', message: `${address} refused a monitoring command (${msg}): give the monitoring user the clusterMonitor role and read access to local` };
  if (e.name === 'MongoServerSelectionError' || e.name === 'MongoNetworkTimeoutError' || /ECONNREFUSED|timed out|ETIMEDOUT|EHOSTUNREACH/.test(msg))
    return { code: 'UNREACHABLE', message: `${address} did not answer within ${timeoutMs} ms (${msg})` };
  if (e.name === 'MongoTopologyClosedError') return { code: 'UNREACHABLE', message: `${address} could not be reached when DR Desk first connected; retrying on the next poll` };
  if (e.name === 'MongoNetworkError') return { code: 'UNREACHABLE', message: `Network error talking to ${address}: ${msg}` };
  return { code: typeof e.codeName === 'string' ? e.codeName : 'MONGO_ERROR', message: `${address}: ${msg}` };
}

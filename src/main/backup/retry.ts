import { DeskError } from '../../shared/errors';
import { sleep } from '../connectors/deadline';

/** Retries with exponential back-off (base, 2×base, 4×base… capped), stopping early on abort or a final error. */
export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  signal?: AbortSignal;
  /** Errors worth retrying; others are thrown at once (a changed host key, a bad password). */
  retryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    try {
      return await fn(attempt);
    } catch (err) {
      const retryable = opts.retryable?.(err) ?? true;
      if (!retryable || attempt >= opts.attempts || opts.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, opts.baseMs, opts.maxMs);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}

/** Errors that another attempt cannot fix: retrying them only delays the operator's fix. */
export function isFinalSshError(err: unknown): boolean {
  return err instanceof DeskError && ['SSH_HOST_KEY_CHANGED', 'SSH_HOST_UNPINNED', 'SSH_AUTH_FAILED', 'SSH_SECRET_MISSING', 'SSH_NO_CREDENTIALS', 'SSH_FINGERPRINT_INVALID', 'SECRET_NAME_RESERVED', 'SECRET_KIND_MISMATCH'].includes(err.code);
}

import { useCallback, useMemo, useRef, useState } from 'react';
import type { DeskError } from '../../shared/errors';
import { toDeskError } from '../desk-client/bridge-client';

export type ActionState<T> =
  | { kind: 'idle' }
  | { kind: 'busy'; label: string }
  | { kind: 'done'; label: string; value: T }
  | { kind: 'failed'; label: string; code: string; message: string; error: DeskError };

/**
 * One operator action (a DeskApi call): shows that it is under way, then its outcome or its DeskError
 * (code and message). A second click while it is under way is ignored.
 */
export function useAction<T>(): [ActionState<T>, (label: string, call: () => Promise<T>) => Promise<T | null>, () => void] {
  const [state, setState] = useState<ActionState<T>>({ kind: 'idle' });
  const busy = useRef(false);
  const run = useCallback(async (label: string, call: () => Promise<T>) => {
    if (busy.current) return null;
    busy.current = true;
    setState({ kind: 'busy', label });
    try {
      const value = await call();
      setState({ kind: 'done', label, value });
      return value;
    } catch (err) {
      const e = toDeskError(err);
      setState({ kind: 'failed', label, code: e.code, message: e.message, error: e });
      return null;
    } finally {
      busy.current = false;
    }
  }, []);
  const reset = useCallback(() => setState({ kind: 'idle' }), []);
  return [state, run, reset];
}

export interface Call {
  busy: boolean;
  error: DeskError | null;
  /** Runs one DeskApi action; resolves to its result, or null when it was refused (the error is kept). */
  run: <R>(action: () => Promise<R>) => Promise<R | null>;
  clear: () => void;
}

/** The same action state for a button that needs only "under way" and the refusal, whatever each call returns. */
export function useCall(): Call {
  const [state, run, clear] = useAction<unknown>();
  return useMemo(
    () => ({
      busy: state.kind === 'busy',
      error: state.kind === 'failed' ? state.error : null,
      run: <R,>(action: () => Promise<R>) => run('', action) as Promise<R | null>,
      clear,
    }),
    [state, run, clear],
  );
}

import { useCallback, useRef, useState } from 'react';
import type { DeskError } from '../../../shared/errors';
import { toDeskError } from '../../desk-client/bridge-client';

export interface Call {
  busy: boolean;
  error: DeskError | null;
  /** Runs one DeskApi action; resolves to its result, or null when it was refused (the error is kept). */
  run: <T>(action: () => Promise<T>) => Promise<T | null>;
  clear: () => void;
}

/** One action button's state: under way, or refused with the engine's code and sentence. */
export function useCall(): Call {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const running = useRef(false);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | null> => {
    if (running.current) return null;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (err) {
      setError(toDeskError(err));
      return null;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}

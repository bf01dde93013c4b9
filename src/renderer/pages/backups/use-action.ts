import { useCallback, useRef, useState } from 'react';
import { toDeskError } from '../../desk-client/bridge-client';

export type ActionState<T> =
  | { kind: 'idle' }
  | { kind: 'busy'; label: string }
  | { kind: 'done'; label: string; value: T }
  | { kind: 'failed'; label: string; code: string; message: string };

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
      setState({ kind: 'failed', label, code: e.code, message: e.message });
      return null;
    } finally {
      busy.current = false;
    }
  }, []);
  const reset = useCallback(() => setState({ kind: 'idle' }), []);
  return [state, run, reset];
}

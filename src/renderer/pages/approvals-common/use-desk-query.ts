import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskApi, DeskEventName } from '../../../shared/desk-api';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';

export interface DeskQuery<T> {
  /** undefined until the first answer arrives. */
  data: T | undefined;
  error: DeskError | null;
  reload: () => void;
}

/**
 * One DeskApi read, reloaded when `key` changes and whenever one of `events` is pushed (another page or
 * machine changed requests, the roster or the log), so every page shows the engine's current answer.
 */
export function useDeskQuery<T>(load: (api: DeskApi) => Promise<T>, key: string, events: DeskEventName[] = ['approvalsChanged']): DeskQuery<T> {
  const api = useDeskApi();
  const loadRef = useRef(load);
  loadRef.current = load;
  const [state, setState] = useState<{ data: T | undefined; error: DeskError | null }>({ data: undefined, error: null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    loadRef.current(api).then(
      (data) => live && setState({ data, error: null }),
      (err: unknown) => live && setState((s) => ({ data: s.data, error: toDeskError(err) })),
    );
    return () => {
      live = false;
    };
  }, [api, key, tick]);

  const eventKey = events.join(',');
  useEffect(() => {
    const offs = eventKey.split(',').filter(Boolean).map((e) => api.subscribe(e as DeskEventName, reload));
    return () => offs.forEach((off) => off());
  }, [api, eventKey, reload]);

  return { ...state, reload };
}

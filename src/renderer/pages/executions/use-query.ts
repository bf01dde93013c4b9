import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskApi, DeskEventName } from '../../../shared/desk-api';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';

export interface Query<T> {
  data: T | undefined;
  error: DeskError | null;
  reload: () => void;
}

/**
 * One DeskApi read, re-read when `key` changes, when one of `events` arrives (at most every 500 ms) and every
 * 2 s while `pollWhile(data)` holds (for states that end without an event).
 */
export function useQuery<T>(load: (api: DeskApi) => Promise<T>, key: string, events: DeskEventName[] = [], pollWhile?: (data: T) => boolean): Query<T> {
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
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        reload();
      }, 500);
    };
    const offs = eventKey
      .split(',')
      .filter(Boolean)
      .map((e) => api.subscribe(e as DeskEventName, soon));
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [api, eventKey, reload]);

  const polling = state.data !== undefined && pollWhile ? pollWhile(state.data) : false;
  useEffect(() => {
    if (!polling) return;
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [polling, reload]);

  return { ...state, reload };
}

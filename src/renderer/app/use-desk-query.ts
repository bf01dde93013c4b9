import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskApi, DeskEventName } from '../../shared/desk-api';
import type { DeskError } from '../../shared/errors';
import { toDeskError } from '../desk-client/bridge-client';
import { useDeskApi } from './desk-context';

export interface DeskQuery<T> {
  /** undefined until the first answer arrives. */
  data: T | undefined;
  error: DeskError | null;
  reload: () => void;
}

export interface DeskQueryOptions<T> {
  /** Events arriving within this many ms make one re-read (0: each event re-reads at once). */
  settleMs?: number;
  /** Re-read every 2 s while this holds for the last answer (for states that end without an event). */
  pollWhile?: (data: T) => boolean;
}

/**
 * One DeskApi read, reloaded when `key` changes and whenever one of `events` is pushed (another page or
 * machine changed requests, the roster, the log or an execution), so every page shows the engine's current answer.
 */
export function useDeskQuery<T>(
  load: (api: DeskApi) => Promise<T>,
  key: string,
  events: DeskEventName[] = ['approvalsChanged'],
  { settleMs = 0, pollWhile }: DeskQueryOptions<T> = {},
): DeskQuery<T> {
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
    const onEvent =
      settleMs > 0
        ? () => {
            timer ??= setTimeout(() => {
              timer = null;
              reload();
            }, settleMs);
          }
        : reload;
    const offs = eventKey
      .split(',')
      .filter(Boolean)
      .map((e) => api.subscribe(e as DeskEventName, onEvent));
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [api, eventKey, reload, settleMs]);

  const polling = state.data !== undefined && pollWhile ? pollWhile(state.data) : false;
  useEffect(() => {
    if (!polling) return;
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [polling, reload]);

  return { ...state, reload };
}

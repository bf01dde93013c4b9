import { useEffect, useRef, useState } from 'react';
import type { DeskApi } from '../../shared/desk-api';
import type { HistoryRange } from '../../shared/monitor';
import { useDeskApi } from '../app/desk-context';
import { toDeskError } from '../desk-client/bridge-client';
import { RANGE_REFRESH_MS } from '../format/ranges';

export interface RangeHistory<T> {
  /** null until the first answer for this range and key. */
  data: T | null;
  /** The renderer's clock when the data arrived; a chart's x axis ends here. */
  receivedAt: number;
  /** The last refusal as "CODE: message"; the data shown before it stays. */
  error: string | null;
}

export interface RangeHistoryOptions {
  /** Forget the shown data while the new range or key loads (a chart that must not show the old range's points). */
  clearOnChange?: boolean;
  /** Called with each answer that arrives while the chart is shown. */
  onData?: () => void;
}

/** A chart's history over a time range: read now, re-read at the range's refresh interval and whenever range or key changes. */
export function useRangeHistory<T>(load: (api: DeskApi) => Promise<T>, range: HistoryRange, key: string, { clearOnChange = false, onData }: RangeHistoryOptions = {}): RangeHistory<T> {
  const api = useDeskApi();
  const calls = useRef({ load, onData });
  calls.current = { load, onData };
  const [state, setState] = useState<RangeHistory<T>>({ data: null, receivedAt: Date.now(), error: null });
  useEffect(() => {
    let live = true;
    const read = () =>
      calls.current.load(api).then(
        (data) => {
          if (!live) return;
          calls.current.onData?.();
          setState({ data, receivedAt: Date.now(), error: null });
        },
        (err: unknown) => {
          const e = toDeskError(err);
          if (live) setState((s) => ({ ...s, error: `${e.code}: ${e.message}` }));
        },
      );
    if (clearOnChange) setState((s) => ({ ...s, data: null }));
    void read();
    const timer = setInterval(read, RANGE_REFRESH_MS[range]);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, range, key, clearOnChange]);
  return state;
}

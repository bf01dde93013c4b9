import { useEffect, useState } from 'react';
import type { HistoryMetric, HistoryRange, Series } from '../../../shared/monitor';
import { toDeskError } from '../../desk-client/bridge-client';
import { RANGE_REFRESH_MS } from '../../format/ranges';
import { useDeskApi } from '../../app/desk-context';
import { markDataReceived } from './chart-timing';

/** About one point per two pixels of a wide chart; the engine downsamples to this. */
export const MAX_POINTS = 1000;

export interface HistoryState {
  series: Series[] | null;
  /** The renderer's clock when the data arrived; the x axis ends here. */
  receivedAt: number;
  error: string | null;
}

export function useHistory(metric: HistoryMetric, range: HistoryRange): HistoryState {
  const api = useDeskApi();
  const [state, setState] = useState<HistoryState>({ series: null, receivedAt: Date.now(), error: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      api.getHistory({ metric, range, maxPoints: MAX_POINTS }).then(
        (series) => {
          if (!live) return;
          markDataReceived(metric);
          setState({ series, receivedAt: Date.now(), error: null });
        },
        (err: unknown) => {
          const e = toDeskError(err);
          if (live) setState((s) => ({ ...s, error: `${e.code}: ${e.message}` }));
        },
      );
    setState((s) => ({ ...s, series: null }));
    load();
    const timer = setInterval(load, RANGE_REFRESH_MS[range]);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, metric, range]);
  return state;
}

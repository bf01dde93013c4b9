import type { HistoryMetric, HistoryRange, Series } from '../../../shared/monitor';
import { useRangeHistory } from '../../components/use-range-history';
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
  const h = useRangeHistory((api) => api.getHistory({ metric, range, maxPoints: MAX_POINTS }), range, metric, {
    clearOnChange: true,
    onData: () => markDataReceived(metric),
  });
  return { series: h.data, receivedAt: h.receivedAt, error: h.error };
}

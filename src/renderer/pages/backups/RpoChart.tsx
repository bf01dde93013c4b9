import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { RpoView } from '../../../shared/api/backup';
import { RANGE_MS, type HistoryRange } from '../../../shared/monitor';
import { RangePicker } from '../../components/RangePicker';
import { useRangeHistory } from '../../components/use-range-history';
import { formatAxisTime, formatLag, timeLabel } from '../../format/time';
import { timeTicks } from '../replication/time-ticks';
import { axisTop } from './backup-format';

/** The status colours of app.css: yellow past the target, red past twice the target (the engine's levels). */
const YELLOW = '#b7791f';
const RED = '#c53030';

/** The RPO samples in the range, as chart points, and the target they were taken against. */
function useRpoHistory(range: HistoryRange, version: string) {
  return useRangeHistory(
    (api) => api.getRpoHistory({ range, maxPoints: 600 }).then((r) => ({ points: r.points.map(([t, v]) => ({ t, v })), targetSeconds: r.targetSeconds })),
    range,
    version,
  );
}

/** Axis labels: seconds up to ten minutes (ticks stay distinct), then minutes, then hours. */
function axisLabel(v: number): string {
  if (v < 600) return `${Math.round(v)} s`;
  if (v < 7200) return `${Math.round(v / 60)} min`;
  return `${(v / 3600).toFixed(v < 36_000 ? 1 : 0)} h`;
}

/**
 * Cross-site RPO over time (now − the DC time up to which DR holds every write) against its target.
 * `version` changes when a cycle ends, so the chart picks up the sample taken then.
 */
export function RpoChart({ rpo, version }: { rpo: RpoView; version: string }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const h = useRpoHistory(range, version);
  const points = h.data?.points ?? null;
  const target = h.data?.targetSeconds ?? rpo.targetSeconds;
  const endAt = h.receivedAt;
  const start = endAt - RANGE_MS[range];
  const hasData = points?.some((p) => p.v !== null) ?? false;
  const tick = (t: number) => formatAxisTime(t, range === '7d');
  return (
    <section className="card chart-card" aria-label="Cross-site RPO" data-testid="rpo-chart">
      <header className="card-header">
        <div>
          <h2>Cross-site RPO</h2>
          <div className="muted small">
            now <strong className={`rpo-now level-${rpo.level}`}>{formatLag(rpo.seconds)}</strong> · target {formatLag(target)} (yellow above it, red above{' '}
            {formatLag(target * 2)})
          </div>
        </div>
        <RangePicker range={range} onChange={setRange} label="RPO time range" />
      </header>
      {h.error && <div className="outcome error small">{h.error}</div>}
      <div className="chart-area">
        {points === null ? (
          <div className="empty">Loading…</div>
        ) : !hasData ? (
          <div className="empty">No RPO samples in this range yet: DR Desk samples it every 15 s once something has been applied on DR, and after every cycle.</div>
        ) : (
          <LineChart responsive data={points} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e3e7ee" vertical={false} />
            <XAxis dataKey="t" type="number" domain={[start, endAt]} scale="time" ticks={timeTicks(start, endAt, range)} tickFormatter={tick} tick={{ fontSize: 12 }} />
            <YAxis tickFormatter={axisLabel} tick={{ fontSize: 12 }} width={60} domain={[0, (max: number) => axisTop(max, target)]} />
            <Tooltip labelFormatter={(t) => timeLabel(Number(t), endAt)} formatter={(v) => (typeof v === 'number' ? formatLag(v) : String(v))} />
            <ReferenceLine y={target} stroke={YELLOW} strokeDasharray="5 4" label={{ value: `target ${formatLag(target)}`, position: 'insideTopLeft', fontSize: 12, fill: YELLOW }} />
            <ReferenceLine y={target * 2} stroke={RED} strokeDasharray="5 4" />
            <Line dataKey="v" name="RPO" stroke="#2f5fd0" strokeWidth={1.8} dot={false} isAnimationActive={false} connectNulls={false} />
          </LineChart>
        )}
      </div>
    </section>
  );
}

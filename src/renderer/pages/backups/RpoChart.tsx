import { useEffect, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { RpoView } from '../../../shared/api/backup';
import { RANGE_MS, type HistoryRange } from '../../../shared/monitor';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { RANGE_CHOICES, RANGE_REFRESH_MS } from '../../format/ranges';
import { formatAxisTime, formatLag, timeLabel } from '../../format/time';
import { timeTicks } from '../replication/time-ticks';
import { axisTop, errorText } from './backup-format';

/** The status colours of app.css: yellow past the target, red past twice the target (the engine's levels). */
const YELLOW = '#b7791f';
const RED = '#c53030';

interface History {
  points: Array<{ t: number; v: number | null }> | null;
  targetSeconds: number | null;
  endAt: number;
  error: string | null;
}

function useRpoHistory(range: HistoryRange, version: string): History {
  const api = useDeskApi();
  const [h, setH] = useState<History>({ points: null, targetSeconds: null, endAt: Date.now(), error: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      api.getRpoHistory({ range, maxPoints: 600 }).then(
        (r) => live && setH({ points: r.points.map(([t, v]) => ({ t, v })), targetSeconds: r.targetSeconds, endAt: Date.now(), error: null }),
        (err: unknown) => live && setH((s) => ({ ...s, error: errorText(toDeskError(err)) })),
      );
    load();
    const timer = setInterval(load, RANGE_REFRESH_MS[range]);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, range, version]);
  return h;
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
  const target = h.targetSeconds ?? rpo.targetSeconds;
  const start = h.endAt - RANGE_MS[range];
  const hasData = h.points?.some((p) => p.v !== null) ?? false;
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
        <div className="segmented" role="group" aria-label="RPO time range">
          {RANGE_CHOICES.map((r) => (
            <button key={r.id} type="button" className={r.id === range ? 'active' : ''} aria-pressed={r.id === range} onClick={() => setRange(r.id)}>
              {r.label}
            </button>
          ))}
        </div>
      </header>
      {h.error && <div className="outcome error small">{h.error}</div>}
      <div className="chart-area">
        {h.points === null ? (
          <div className="empty">Loading…</div>
        ) : !hasData ? (
          <div className="empty">No RPO samples in this range yet: DR Desk samples it every 15 s once something has been applied on DR, and after every cycle.</div>
        ) : (
          <LineChart responsive data={h.points} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e3e7ee" vertical={false} />
            <XAxis dataKey="t" type="number" domain={[start, h.endAt]} scale="time" ticks={timeTicks(start, h.endAt, range)} tickFormatter={tick} tick={{ fontSize: 12 }} />
            <YAxis tickFormatter={axisLabel} tick={{ fontSize: 12 }} width={60} domain={[0, (max: number) => axisTop(max, target)]} />
            <Tooltip labelFormatter={(t) => timeLabel(Number(t), h.endAt)} formatter={(v) => (typeof v === 'number' ? formatLag(v) : String(v))} />
            <ReferenceLine y={target} stroke={YELLOW} strokeDasharray="5 4" label={{ value: `target ${formatLag(target)}`, position: 'insideTopLeft', fontSize: 12, fill: YELLOW }} />
            <ReferenceLine y={target * 2} stroke={RED} strokeDasharray="5 4" />
            <Line dataKey="v" name="RPO" stroke="#2f5fd0" strokeWidth={1.8} dot={false} isAnimationActive={false} connectNulls={false} />
          </LineChart>
        )}
      </div>
    </section>
  );
}

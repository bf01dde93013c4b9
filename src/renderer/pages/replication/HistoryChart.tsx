import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistoryRange, Series } from '../../../shared/monitor';
import { useDrawTiming } from './chart-timing';
import { timeTicks } from './time-ticks';
import { RANGE_MS } from './use-history';

/** Series colours: distinct hues that carry no status meaning (green/yellow/red are kept for status). */
const PALETTE = ['#2f5fd0', '#7a4cc2', '#0f7d99', '#9c3f8f', '#4a5568', '#4f46e5', '#0369a1', '#6b4f2a'];
/** The status colours of app.css, for the threshold lines. */
const THRESHOLD_COLOR = { yellow: '#b7791f', red: '#c53030' };

export interface Threshold {
  value: number;
  level: 'yellow' | 'red';
  label: string;
}

interface Props {
  id: string;
  title: string;
  unit: string;
  series: Series[] | null;
  range: HistoryRange;
  endAt: number;
  thresholds: Threshold[];
  format: (v: number) => string;
}

export function seriesLabel(key: string): string {
  const [site, member] = key.split('/');
  return member ? `${member} (${site})` : key;
}

function tickFormatter(range: HistoryRange) {
  return (t: number) => {
    const d = new Date(t);
    const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
    return range === '7d' ? `${d.toLocaleDateString([], { weekday: 'short' })} ${hm}` : hm;
  };
}

export function HistoryChart({ id, title, unit, series, range, endAt, thresholds, format }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  // The tooltip makes recharts index every point; it is mounted on first hover so the draw stays fast.
  const [hovered, setHovered] = useState(false);
  const lines = useMemo(
    () =>
      (series ?? [])
        .slice()
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((s, i) => ({
          key: s.key,
          color: PALETTE[i % PALETTE.length],
          dashed: s.key.startsWith('DR/'),
          data: s.points.map(([t, v]) => ({ t, v })),
          last: [...s.points].reverse().find(([, v]) => v !== null)?.[1] ?? null,
          hasData: s.points.some(([, v]) => v !== null),
        })),
    [series],
  );
  useDrawTiming(id, ref, series, lines.filter((l) => l.hasData).length);
  const ticks = tickFormatter(range);
  return (
    <section className="card chart-card" data-testid={`${id}-chart`} aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        <span className="muted">{thresholds.map((t) => `${t.level} ${t.label}`).join(' · ')}</span>
      </header>
      <div className="chart-area" ref={ref} onPointerEnter={() => setHovered(true)}>
        {series === null ? (
          <div className="empty">Loading…</div>
        ) : lines.length === 0 ? (
          <div className="empty">No history in this range yet.</div>
        ) : (
          <LineChart responsive style={{ width: '100%', height: 260 }} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e3e7ee" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              domain={[endAt - RANGE_MS[range], endAt]}
              scale="time"
              ticks={timeTicks(endAt - RANGE_MS[range], endAt, range)}
              tickFormatter={ticks}
              tick={{ fontSize: 12 }}
            />
            <YAxis tickFormatter={(v: number) => `${v}${unit}`} tick={{ fontSize: 12 }} width={56} domain={[0, 'auto']} />
            {hovered && (
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
            )}
            {thresholds.map((t) => (
              <ReferenceLine key={t.level} y={t.value} stroke={THRESHOLD_COLOR[t.level]} strokeDasharray="4 4" />
            ))}
            {lines.map((l) => (
              <Line
                key={l.key}
                data={l.data}
                dataKey="v"
                name={seriesLabel(l.key)}
                stroke={l.color}
                strokeWidth={1.6}
                strokeDasharray={l.dashed ? '6 3' : undefined}
                dot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        )}
      </div>
      <ul className="legend" aria-label={`${title} series`}>
        {lines.map((l) => (
          <li key={l.key} data-testid={`series-${l.key}`}>
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="22" y2="4" stroke={l.color} strokeWidth="2.5" strokeDasharray={l.dashed ? '6 3' : undefined} />
            </svg>
            {seriesLabel(l.key)} <span className="muted">{l.last === null ? '—' : format(l.last)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

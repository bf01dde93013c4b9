import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisTime, timeLabel } from '../../format/time';
import type { HistoryRange, Series } from '../../../shared/monitor';
import { useDrawTiming } from './chart-timing';
import { timeTicks } from './time-ticks';
import { RANGE_MS } from '../../../shared/monitor';
import { Card } from '../../components/Card';

/** Series colours: distinct hues that carry no status meaning (green/yellow/red are kept for status). */
const PALETTE = ['#2f5fd0', '#7a4cc2', '#0f7d99', '#9c3f8f', '#4a5568', '#4f46e5', '#0369a1', '#6b4f2a'];
/** The status colours of app.css, for the threshold lines. */
const THRESHOLD_COLOR = { yellow: '#b7791f', red: '#c53030' };
/** The lowest value a banded (log-scale) chart shows: 0.1 h = 6 min. */
const LOG_FLOOR = 0.1;

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
  /**
   * "below": the values below the thresholds are bad (oplog window): the red band runs from 0 to the red
   * threshold, the yellow band from there to the yellow one, and the axis always shows them.
   */
  bands?: 'below';
}

export function seriesLabel(key: string): string {
  const [site, member] = key.split('/');
  return member ? `${member} (${site})` : key;
}

function tickFormatter(range: HistoryRange) {
  return (t: number) => formatAxisTime(t, range === '7d');
}

export function HistoryChart({ id, title, unit, series, range, endAt, thresholds, format, bands }: Props) {
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
          // On the log axis of a banded chart a window of 0 h is drawn at the axis floor.
          data: s.points.map(([t, v]) => ({ t, v: bands && v !== null ? Math.max(v, LOG_FLOOR) : v })),
          last: [...s.points].reverse().find(([, v]) => v !== null)?.[1] ?? null,
          hasData: s.points.some(([, v]) => v !== null),
        })),
    [series, bands],
  );
  useDrawTiming(id, ref, series, lines.filter((l) => l.hasData).length);
  const ticks = tickFormatter(range);
  const red = thresholds.find((t) => t.level === 'red')?.value;
  const yellow = thresholds.find((t) => t.level === 'yellow')?.value;
  // Banded charts use a log axis reaching past the yellow threshold: a projected window of 70,000 h and a red
  // 4 h window are both readable, and the bands keep their height whatever the data.
  const yDomain = (bands && yellow !== undefined ? [LOG_FLOOR, (max: number) => Math.max(max, yellow * 3)] : [0, 'auto']) as never;
  return (
    <Card
      title={title}
      className="chart-card"
      testId={`${id}-chart`}
      label={title}
      aside={<span className="muted">{thresholds.map((t) => `${t.level} ${t.label}`).join(' · ')}</span>}
    >
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
            <YAxis
              tickFormatter={(v: number) => `${v >= 10 ? Math.round(v).toLocaleString() : Math.round(v * 10) / 10}${unit}`}
              tick={{ fontSize: 12 }}
              width={80}
              domain={yDomain}
              scale={bands ? 'log' : 'auto'}
              allowDataOverflow={!!bands}
            />
            {bands && red !== undefined && <ReferenceArea y1={LOG_FLOOR} y2={red} fill={THRESHOLD_COLOR.red} fillOpacity={0.12} ifOverflow="extendDomain" data-testid={`${id}-band-red`} />}
            {bands && red !== undefined && yellow !== undefined && <ReferenceArea y1={red} y2={yellow} fill={THRESHOLD_COLOR.yellow} fillOpacity={0.12} ifOverflow="extendDomain" />}
            {hovered && (
              // The one time format: local 24 h on screen, UTC beside it on hover.
              <Tooltip labelFormatter={(t) => timeLabel(Number(t), endAt)} formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
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
    </Card>
  );
}

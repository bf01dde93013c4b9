import type { ChartPoint, DrillReport } from '../../../../shared/api/drill-report';
import { axisLabel as fmt, linePath, niceMax } from '../../../../shared/chart-scale';
import { Card } from '../../../components/Card';

const W = 760;
const LEFT = 56;
const RIGHT = 20;
const PANEL_H = 110;
const GAP = 38;


/** Marker rows: an event goes on the first of three rows where it keeps 18 px from the previous label. */
function markerRows(xs: number[]): number[] {
  const last: number[] = [];
  return xs.map((px) => {
    let row = 0;
    while (row < 2 && last[row] !== undefined && px - last[row] < 18) row++;
    last[row] = px;
    return row;
  });
}

interface PanelProps {
  points: ChartPoint[];
  pick: (p: ChartPoint) => number | null;
  y0: number;
  x: (t: number) => number;
  label: string;
  className: string;
  target: number | null;
}

/** One value over the drill's time axis, with its grid and (for the lag) the RPO target as a dashed line. */
function Panel({ points, pick, y0, x, label, className, target }: PanelProps) {
  const vals = points.map(pick).filter((v): v is number => v !== null);
  const yMax = niceMax(Math.max(target ?? 0, ...vals, 0) * 1.1);
  const y = (v: number) => y0 + PANEL_H - (v / yMax) * PANEL_H;
  const d = linePath(points, pick, x, y);
  return (
    <g className={className}>
      <text x={LEFT} y={y0 - 8} className="chart-label">
        {label}
      </text>
      {[0, 1, 2, 3, 4].map((i) => (
        <g key={i}>
          <line x1={LEFT} x2={W - RIGHT} y1={y((yMax / 4) * i)} y2={y((yMax / 4) * i)} className="chart-grid" />
          <text x={LEFT - 6} y={y((yMax / 4) * i) + 4} className="chart-tick" textAnchor="end">
            {fmt((yMax / 4) * i)}
          </text>
        </g>
      ))}
      {target !== null && (
        <g className="chart-target">
          <line x1={LEFT} x2={W - RIGHT} y1={y(target)} y2={y(target)} />
          <text x={W - RIGHT} y={y(target) - 4} textAnchor="end">
            RPO target {fmt(target)} s
          </text>
        </g>
      )}
      {d && <path d={d} className="chart-line" />}
      {vals.length === 0 && (
        <text x={(LEFT + W) / 2} y={y0 + PANEL_H / 2} textAnchor="middle" className="chart-tick">
          no samples
        </text>
      )}
    </g>
  );
}

/** Acknowledged writes missing on the target and its data lag over the drill, with the drill's events marked. */
export function ReportChart({ r }: { r: DrillReport }) {
  const points = r.chart;
  const tMax = Math.max(1, ...points.map((p) => p.t), ...r.timeline.map((e) => e.t));
  const x = (t: number) => LEFT + (t / tMax) * (W - LEFT - RIGHT);
  const rows = markerRows(r.timeline.map((e) => x(e.t)));
  // The first panel starts below the marker numbers (one line per row in use) and its own title.
  const top = 36 + (rows.length ? Math.max(...rows) + 1 : 0) * 13;
  const p2 = top + PANEL_H + GAP;
  const bottom = p2 + PANEL_H;
  const step = niceMax(tMax / 8);
  const ticks: number[] = [];
  for (let t = 0; t <= tMax + 1e-9; t += step) ticks.push(t);
  return (
    <Card title="Lag and RPO over the drill" testId="report-chart" aside={<span className="muted small">seconds since the drill started</span>}>
      <svg viewBox={`0 0 ${W} ${bottom + 30}`} className="report-chart" role="img" aria-label="Missing writes and lag of the target over the drill">
        <Panel points={points} pick={(p) => p.missingWrites} y0={top} x={x} label="Acknowledged writes missing on the target" className="panel-writes" target={null} />
        <Panel points={points} pick={(p) => p.lagSeconds} y0={p2} x={x} label="Target data lag (s)" className="panel-lag" target={r.targets.rpoSeconds} />
        {r.timeline.map((e, i) => (
          <g key={`${i}-${e.t}`} className="chart-event">
            <line x1={x(e.t)} x2={x(e.t)} y1={14 + rows[i] * 13} y2={bottom} />
            <text x={x(e.t)} y={11 + rows[i] * 13} textAnchor="middle">
              {i + 1}
            </text>
          </g>
        ))}
        <line x1={LEFT} x2={W - RIGHT} y1={bottom} y2={bottom} className="chart-axis" />
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={bottom + 16} textAnchor="middle" className="chart-tick">
            {fmt(t)}
          </text>
        ))}
      </svg>
      {r.timeline.length > 0 && (
        <ol className="chart-events small">
          {r.timeline.map((e, i) => (
            <li key={`${i}-${e.t}`}>
              t = {e.t.toFixed(1)} s — {e.label}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

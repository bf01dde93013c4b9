import type { ChartPoint } from '../../shared/api/drill-report';
import { axisLabel as fmt, linePath, niceMax } from '../../shared/chart-scale';
import { esc } from './escape';

/**
 * The lag / RPO chart as inline SVG (no scripts, no fonts to fetch): two panels on one time axis —
 * acknowledged writes missing on the target, and the target's data lag against the RPO target — with the
 * drill's events as dashed markers. Sized in CSS pixels for an A4 page.
 */
const W = 680;
const PANEL_H = 120;
const LEFT = 56;
const RIGHT = 16;
/** Marker circles stack in up to MARK_ROWS rows above the first panel's title, never over it. */
const MARK_ROWS = 3;
const MARK_ROW_H = 14;
const TOP = 9 + MARK_ROWS * MARK_ROW_H + 22;
const GAP = 34;

function panel(points: ChartPoint[], pick: (p: ChartPoint) => number | null, y0: number, tMax: number, label: string, color: string, target: number | null): string {
  const vals = points.map(pick).filter((v): v is number => v !== null);
  const yMax = niceMax(Math.max(target ?? 0, ...vals, 0) * 1.1);
  const x = (t: number) => LEFT + (t / tMax) * (W - LEFT - RIGHT);
  const y = (v: number) => y0 + PANEL_H - (v / yMax) * PANEL_H;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    parts.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d4da" stroke-width="0.6"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${y(v) + 3.5}" text-anchor="end" font-size="10" fill="#333">${fmt(v)}</text>`);
  }
  // A white halo keeps the title legible where an event's dashed marker line crosses it.
  parts.push(`<text x="${LEFT}" y="${y0 - 8}" font-size="11" font-weight="600" fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(label)}</text>`);
  if (target !== null)
    parts.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(target)}" y2="${y(target)}" stroke="#b42318" stroke-width="1.2" stroke-dasharray="6 3"/>`,
      `<text x="${W - RIGHT}" y="${y(target) - 4}" text-anchor="end" font-size="10" fill="#b42318">RPO target ${fmt(target)} s</text>`,
    );
  const d = linePath(points, pick, x, y);
  if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
  if (vals.length === 0) parts.push(`<text x="${(LEFT + W) / 2}" y="${y0 + PANEL_H / 2}" text-anchor="middle" font-size="11" fill="#555">no samples</text>`);
  parts.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y0 + PANEL_H}" y2="${y0 + PANEL_H}" stroke="#333" stroke-width="0.8"/>`);
  return parts.join('');
}

export function renderChart(points: ChartPoint[], events: Array<{ t: number; label: string }>, rpoTargetSeconds: number): string {
  const tMax = Math.max(1, ...points.map((p) => p.t), ...events.map((e) => e.t));
  const x = (t: number) => LEFT + (t / tMax) * (W - LEFT - RIGHT);
  const p2 = TOP + PANEL_H + GAP;
  const bottom = p2 + PANEL_H;
  const H = bottom + 34;
  const ticks: string[] = [];
  const step = niceMax(tMax / 6);
  for (let t = 0; t <= tMax + 1e-9; t += step)
    ticks.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${bottom}" y2="${bottom + 4}" stroke="#333"/><text x="${x(t)}" y="${bottom + 15}" text-anchor="middle" font-size="10" fill="#333">${fmt(t)}</text>`);
  // Markers carry only their number (the legend under the chart has the text); close ones go on the next row.
  // The dashed lines go under the panels' titles, the numbered circles over everything.
  const rows: number[] = [];
  const lines: string[] = [];
  const marks = events.map((e, i) => {
    const px = x(e.t);
    let row = 0;
    while (row < MARK_ROWS - 1 && rows[row] !== undefined && px - rows[row] < 16) row++;
    rows[row] = px;
    const y = 9 + row * MARK_ROW_H;
    lines.push(`<line x1="${px}" x2="${px}" y1="${y + 6}" y2="${bottom}" stroke="#6b7280" stroke-width="0.9" stroke-dasharray="3 3"/>`);
    return (
      `<circle cx="${px}" cy="${y}" r="6" fill="#fff" stroke="#374151" stroke-width="0.9"/>` +
      `<text x="${px}" y="${y + 3.3}" text-anchor="middle" font-size="8.5" font-weight="700" fill="#111">${esc(String(i + 1))}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Lag and RPO chart" font-family="system-ui, sans-serif">`,
    ...lines,
    panel(points, (p) => p.missingWrites, TOP, tMax, 'Acknowledged DC writes missing on the target', '#1d4ed8', null),
    panel(points, (p) => p.lagSeconds, p2, tMax, 'Target data lag behind the DC (seconds)', '#b45309', rpoTargetSeconds),
    ...ticks,
    `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 4}" text-anchor="middle" font-size="10.5" fill="#111">seconds since the drill started</text>`,
    ...marks,
    '</svg>',
  ].join('');
}

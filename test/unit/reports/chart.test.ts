import { describe, expect, it } from 'vitest';
import { renderChart } from '../../../src/main/reports/chart';

/** Crowded events (every runbook step within half a second) stack their markers in rows above the chart. */
const points = Array.from({ length: 10 }, (_, i) => ({ t: i * 0.05, missingWrites: 0, lagSeconds: i })) as Parameters<typeof renderChart>[0];
const events = [0, 0, 0, 0, 0.1, 0.17, 0.18, 0.19].map((t, i) => ({ t, label: `step ${i + 1}` }));

describe('the report chart', () => {
  const svg = renderChart(points, events, 90);

  it('keeps every marker circle above the first panel title', () => {
    const title = /<text x="[\d.]+" y="([\d.]+)" font-size="11"[^>]*>Acknowledged/.exec(svg);
    expect(title).not.toBeNull();
    const titleTop = Number(title![1]) - 11;
    const circles = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)" r="([\d.]+)"/g)].map((m) => Number(m[1]) + Number(m[2]));
    expect(circles).toHaveLength(events.length);
    for (const bottom of circles) expect(bottom).toBeLessThanOrEqual(titleTop);
  });

  it('draws the numbered circles after the dashed lines and the panels, so nothing covers a number', () => {
    const lastLine = svg.lastIndexOf('stroke-dasharray="3 3"');
    const lastTitle = svg.lastIndexOf('paint-order="stroke"');
    const firstCircle = svg.indexOf('<circle');
    expect(firstCircle).toBeGreaterThan(lastLine);
    expect(firstCircle).toBeGreaterThan(lastTitle);
  });
});

import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/main/reports/html';
import { formatClock, formatDateTime, zoneLabel } from '../../../src/shared/time';
import { sampleReport } from './sample-report';

/** The PDF's times in the app's one format: local 24 h, the zone named once; no ISO Z, no UTC-only times. */
describe('drill report times', () => {
  it('prints every time local 24 h, names the zone, and localizes the times inside sentences', () => {
    const r = sampleReport();
    const inText = r.steps[1].startedAt!;
    r.steps[3] = { ...r.steps[3], status: 'failed', error: `FENCE_FAILED: dc-1 still primary at ${inText}` };
    r.warnings = [`DC answered again at ${inText}`];
    const html = renderReportHtml(r);
    expect(html).toContain(formatDateTime(r.startedAt));
    expect(html).toContain(formatDateTime(r.generatedAt));
    expect(html).toContain(`local, 24 h (${zoneLabel(Date.parse(r.startedAt))})`);
    expect(html).toContain(`<td>${formatClock(r.steps[0].startedAt, Date.parse(r.startedAt))}</td>`);
    expect(html).toContain(`still primary at ${formatClock(inText)}`);
    expect(html).toContain(`DC answered again at ${formatClock(inText)}`);
    // The chart's SVG and the digests are not times; no ISO timestamp, "UTC" suffix or AM/PM is left in the text.
    const visible = html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ');
    expect(visible).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(visible).not.toMatch(/\d\d:\d\d:\d\d UTC/);
    expect(visible).not.toMatch(/\d (AM|PM)\b/);
  });
});

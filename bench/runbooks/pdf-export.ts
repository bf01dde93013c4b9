/**
 * Drill report export time: HTML rendering, and HTML → PDF through headless Chromium (browser start
 * included, as every export starts its own), for the 11-step report and a 60-step one. Median of N runs
 * (default 5). Run: npx tsx bench/runbooks/pdf-export.ts [runs]
 */
import { cpus, loadavg } from 'node:os';
import { renderReportHtml } from '../../src/main/reports/html';
import { htmlToPdf } from '../../src/main/reports/pdf';
import { sampleReport } from '../../test/unit/reports/sample-report';

const runs = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const small = sampleReport();
const large = sampleReport();
large.steps = Array.from({ length: 60 }, (_, i) => ({ ...small.steps[i % small.steps.length], n: i + 1 }));
large.chart = Array.from({ length: 600 }, (_, i) => ({ t: i / 10, lagSeconds: (i % 50) / 5, missingWrites: i }));
for (const [label, report] of [
  ['11 steps', small],
  ['60 steps, 600 chart points', large],
] as const) {
  const htmlMs: number[] = [];
  const pdfMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const html = renderReportHtml(report);
    htmlMs.push(performance.now() - t);
    t = performance.now();
    const pdf = await htmlToPdf(html, { title: 'bench' });
    pdfMs.push(performance.now() - t);
    bytes = pdf.length;
  }
  console.log(`${label}: HTML ${median(htmlMs).toFixed(1)} ms, PDF ${median(pdfMs).toFixed(0)} ms (median of ${runs}), ${(bytes / 1024).toFixed(0)} KiB`);
}
console.log(`${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { HistoryStore, type Sample } from '../../src/main/monitor/history';
import { DATABASE_FILE, openDatabase } from '../../src/main/store/database';

/**
 * Chart draw benchmark: 24 h of 1 s history for the sandbox's six members is seeded into a data
 * directory, `drdesk web` serves it, and Debian's Chromium opens the Replication page. Each run switches the
 * range to 24 h and reads the renderer's performance measures: `chart-draw:lag` (data in → lines painted)
 * and the time from the click to both charts painted (which includes the engine's query + LTTB and the
 * socket). Wall-clock figures swing with machine load, so it also prints the renderer main thread's CPU
 * time for the switch (CDP Performance.TaskDuration in thread ticks). Prints medians; the target for the draw is under
 * 300 ms. Needs `npm run build` first.
 *
 *   npx tsx bench/chart/chart-draw.ts [--runs 7]
 */
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const members = ['DC/dc-1', 'DC/dc-2', 'DC/dc-3', 'DR/dr-1', 'DR/dr-2', 'DR/dr-3'];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function seed(dataDir: string): number {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const history = new HistoryStore(db);
  const end = Date.now();
  const start = end - 86_400_000;
  const batch: Sample[] = [];
  let rows = 0;
  for (let s = 0; s < 86_400; s++) {
    const ts = start + s * 1000;
    members.forEach((key, k) => {
      batch.push({ metric: 'lag', key, ts, value: Math.abs(Math.sin(s / 600 + k)) * 20 + (s % 997 === 0 ? 80 : 0) });
      if (!key.endsWith('-3')) batch.push({ metric: 'oplogWindow', key, ts, value: 48 - (s / 3600) * 0.5 + k });
    });
    if (batch.length >= 60_000) rows += flush(history, batch);
  }
  rows += flush(history, batch);
  db.close();
  return rows;
}

function flush(history: HistoryStore, batch: Sample[]): number {
  const n = batch.length;
  history.insertMany(batch.splice(0));
  return n;
}

async function startHost(dataDir: string) {
  const child = spawn(process.execPath, ['bin/drdesk.mjs', 'web', '--fast', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`drdesk web exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-bench-chart-'));
const t0 = performance.now();
const rows = seed(dataDir);
console.log(`seeded ${rows.toLocaleString('en')} history rows (24 h at 1 s; lag × 6 members, oplog window × 4) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const host = await startHost(dataDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  // threadTicks: durations in the main thread's CPU time, which waiting for a busy core does not inflate.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const busySeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0;
  await page.goto(`${host.url}#/replication`);
  await page.getByTestId('lag-chart').locator('[data-draw-count]').waitFor({ timeout: 60_000 });
  const draw: number[] = [];
  const oplogDraw: number[] = [];
  const clickToDrawn: number[] = [];
  const busy: number[] = [];
  let points = 0;
  for (let r = 0; r < runs; r++) {
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    await page.waitForFunction(() => performance.getEntriesByName('chart-draw:lag').length > 0);
    await page.evaluate(() => {
      performance.clearMeasures();
      performance.clearMarks();
      performance.mark('bench-click');
    });
    const busyBefore = await busySeconds();
    await page.getByRole('button', { name: '24 h', exact: true }).click();
    await page.waitForFunction(() => performance.getEntriesByName('chart-draw:lag').length > 0 && performance.getEntriesByName('chart-draw:oplogWindow').length > 0, undefined, { timeout: 30_000 });
    // No helper functions inside evaluate: tsx would wrap them in a __name() the page does not have.
    const m = await page.evaluate(() => {
      const [click] = performance.getEntriesByName('bench-click');
      const [lagDrawn] = performance.getEntriesByName('chart-drawn:lag');
      const [oplogDrawn] = performance.getEntriesByName('chart-drawn:oplogWindow');
      return {
        lag: performance.getEntriesByName('chart-draw:lag')[0].duration,
        oplog: performance.getEntriesByName('chart-draw:oplogWindow')[0].duration,
        both: Math.max(lagDrawn.startTime, oplogDrawn.startTime) - click.startTime,
        points: [...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ getAttribute(a: string): string | null }> } }).document.querySelectorAll('[data-testid="lag-chart"] .recharts-line-curve')].map(
          (p) => (p.getAttribute('d')?.match(/[LC]/g) ?? []).length + 1,
        ),
      };
    });
    busy.push((await busySeconds()) - busyBefore);
    draw.push(m.lag);
    oplogDraw.push(m.oplog);
    clickToDrawn.push(m.both);
    points = Math.max(points, ...m.points);
  }
  await page.screenshot({ path: 'test-results/screenshots/replication-24h.png' });
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`lag chart, 24 h, ${members.length} lines of ~${points} points: draw ${fmt(draw)} — target < 300 ms`);
  console.log(`oplog window chart, 24 h, 4 lines: draw ${fmt(oplogDraw)}`);
  console.log(`click "24 h" → both charts painted (query + LTTB + socket + draw): ${fmt(clickToDrawn)}`);
  console.log(`renderer main-thread CPU for the switch (both charts, socket message to paint): ${fmt(busy.map((s) => s * 1000))}`);
  console.log(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
} finally {
  await browser.close();
  host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

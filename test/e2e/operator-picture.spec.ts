import { expect, test, type Page } from '@playwright/test';
import { startWebHost, type WebHostRun } from './web-host';

/**
 * The operator's picture against the real web host on a fresh sandbox: backup readiness in the headline,
 * the active/standby roles, SPLIT_BRAIN the moment the standby's application answers, and every page at
 * 1024×700 without horizontal overflow (screenshots in test-results/screenshots/).
 */
const SHOTS = 'test-results/screenshots';
const PAGES = ['overview', 'replication', 'alerts', 'faults', 'backups', 'runbooks', 'executions', 'requests', 'approve', 'identity', 'roster', 'audit', 'drills', 'credentials'];

test.describe.configure({ mode: 'serial' });

let host: WebHostRun;
let page: Page;

test.beforeAll(async ({ browser }) => {
  host = await startWebHost();
  page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  await page.goto(host.url);
});

test.afterAll(async () => {
  await page?.close();
  await host?.stop();
});

test('a fresh start names the missing baseline in the Overview headline, above the fold at 1024×700', async () => {
  const panel = page.getByTestId('status-panel');
  await expect(panel.locator('[data-code="BACKUP_CHAIN_BROKEN"]')).toContainText('No baseline has been taken');
  await expect(panel).toHaveAttribute('data-level', 'red');
  await expect(page.getByTestId('backup-holds')).toContainText('DR holds no copy of DC');
  await expect(page.getByTestId('site-role-DC')).toHaveText(/active/);
  await expect(page.getByTestId('site-role-DR')).toHaveText(/standby/);
  const box = await panel.boundingBox();
  expect(box!.y).toBeLessThan(700 - 80);
  await page.screenshot({ path: `${SHOTS}/picture-fresh-1024.png` });
});

test('Escape closes the member panel', async () => {
  await page.getByTestId('member-dc-2').click();
  await expect(page.getByTestId('member-details')).toBeVisible();
  // One time format: local 24 h on screen, the UTC time on hover.
  const optime = page.getByTestId('member-details').locator('[data-field="Last seen"]');
  await expect(optime).toHaveText(/^\d{2}:\d{2}:\d{2} \(\d+ s ago\)$/);
  await expect(optime).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('member-details')).toHaveCount(0);
});

test("the standby's application answering is SPLIT_BRAIN: red, first, saying to stop it (no activation: nothing to fence back)", async () => {
  await host.fault({ action: 'app', target: 'DR', running: true });
  const reasons = page.getByTestId('status-reasons');
  await expect(reasons.locator('li').first()).toHaveAttribute('data-code', 'SPLIT_BRAIN');
  await expect(reasons.locator('li').first()).toContainText('on DR its application answers');
  await expect(reasons.locator('li').first()).toContainText('Stop the application on DR now');
  await expect(page.getByTestId('split-brain-action')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/picture-split-brain-1024.png` });
  await host.fault({ action: 'app', target: 'DR', running: false });
  await expect(reasons.locator('[data-code="SPLIT_BRAIN"]')).toHaveCount(0);
});

test('the Faults page shows the control URL and kills a member with one click; the Overview shows it down', async () => {
  await page.goto(`${host.url.split('#')[0]}#/faults`);
  await expect(page.getByTestId('sandbox-control-url')).toHaveText(host.control);
  await page.getByTestId('fault-kill-dc-2').click();
  await expect(page.getByTestId('fault-outcome')).toHaveText('killed dc-2');
  await expect(page.getByTestId('fault-member-dc-2')).toHaveAttribute('data-alive', 'false');
  await page.screenshot({ path: `${SHOTS}/picture-faults-1024.png` });
  await page.goto(`${host.url.split('#')[0]}#/overview`);
  await expect(page.getByTestId('member-dc-2')).toHaveAttribute('data-reachable', 'false', { timeout: 10_000 });
  await page.goto(`${host.url.split('#')[0]}#/faults`);
  await page.getByTestId('fault-revive-dc-2').click();
  await expect(page.getByTestId('fault-member-dc-2')).toHaveAttribute('data-alive', 'true');
});

test('the oplog window: one panel per site, in hours, with the red and yellow bands visible', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${host.url.split('#')[0]}#/replication`);
  for (const site of ['DC', 'DR']) {
    const chart = page.getByTestId(`oplogWindow-${site}-chart`);
    await expect(chart).toContainText(`Oplog window — ${site} (hours)`);
    await expect(chart.locator('.recharts-reference-area')).toHaveCount(2);
    const band = await chart.locator('.recharts-reference-area-rect').first().boundingBox();
    // Visible: a band of real height, not a line flattened on zero.
    expect(band!.height).toBeGreaterThan(20);
  }
  await page.screenshot({ path: `${SHOTS}/picture-oplog-bands-1440.png`, fullPage: true });
});

test('a paused backup schedule shows no next run beside "paused"', async () => {
  await page.goto(`${host.url.split('#')[0]}#/backups`);
  const card = page.getByTestId('backup-schedule');
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card.locator('.pill')).toHaveText('paused');
  await expect(card.locator('[data-field="Next run"]')).toHaveText('none while paused');
  await card.getByRole('button', { name: 'Resume' }).click();
  await expect(card.locator('[data-field="Next run"]')).toContainText(' (in ');
});

for (const size of [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
])
  test(`every page at ${size.width}×${size.height} without horizontal overflow`, async () => {
    await page.setViewportSize(size);
    const overflowing: string[] = [];
    for (const id of PAGES) {
      await page.goto(`${host.url.split('#')[0]}#/${id}`);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.waitForTimeout(400);
      const m = await page.evaluate(() => {
        const d = document.documentElement;
        const main = document.querySelector('.main');
        return { doc: [d.scrollWidth, d.clientWidth], main: main ? [main.scrollWidth, main.clientWidth] : [0, 0] };
      });
      await page.screenshot({ path: `${SHOTS}/page-${id}-${size.width}x${size.height}.png` });
      if (m.doc[0] > m.doc[1] || m.main[0] > m.main[1]) overflowing.push(`${id}: document ${m.doc.join('/')}, main ${m.main.join('/')}`);
      // The sidebar's status badge stays in view.
      await expect(page.locator('.nav-status')).toBeInViewport();
    }
    expect(overflowing).toEqual([]);
  });

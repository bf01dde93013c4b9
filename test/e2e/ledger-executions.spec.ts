import { expect, test, type Page } from '@playwright/test';
import { MongoClient } from 'mongodb';
import type { LedgerDoc } from '../../src/main/control/ledger';
import { startWebHost, type WebHostRun } from './web-host';

/**
 * The Executions page shows what the replica sets' execution ledgers record, not only this workstation's
 * journal: entries written by another workstation (straight into DC's and DR's drdesk.ledger, as that
 * workstation's claim leaves them) are listed as run elsewhere, with the ledgers holding them. With DC
 * gone, the page names DC's ledger as not answering and shows what DR records.
 */
const SHOTS = 'test-results/screenshots';

test.describe('executions recorded on the replica sets', () => {
  let host: WebHostRun;
  let page: Page;
  const clients: MongoClient[] = [];

  test.beforeAll(async ({ browser }) => {
    host = await startWebHost();
    const started = new Date(Date.now() - 20 * 60_000);
    const both: LedgerDoc = { _id: 'req_elsewhere_00000000001', nonce: 'nonce-elsewhere-0000001', planDigest: 'sha256:00', executionId: 'ex-20261204100000-0a0b0c0d', by: 'Bob Backup', workstation: 'laptop-b:/home/bob/.config/drdesk', startedAt: started, finishedAt: null, outcome: null };
    for (const name of ['DC', 'DR']) {
      const site = host.sites.find((s) => s.name === name)!;
      const client = new MongoClient(`mongodb://${site.members.map((m) => m.host).join(',')}/?replicaSet=${site.replicaSet}`, { serverSelectionTimeoutMS: 20_000 });
      await client.connect();
      clients.push(client);
      const ledger = client.db('drdesk').collection<LedgerDoc>('ledger', { writeConcern: { w: 'majority' } });
      // DC missed the finish (as a ledger that did not answer then keeps "started"); DR has the outcome.
      await ledger.insertOne(name === 'DR' ? { ...both, finishedAt: new Date(started.getTime() + 4 * 60_000), outcome: 'succeeded' } : both);
      if (name === 'DR') await ledger.insertOne({ _id: 'req_drdesk_running_000001', nonce: 'nonce-running-000000001', planDigest: 'sha256:01', executionId: 'ex-20261204101500-1a2b3c4d', by: 'Carol Continuity', workstation: 'desk-c:/var/lib/drdesk', startedAt: new Date(Date.now() - 2 * 60_000), finishedAt: null, outcome: null });
    }
    page = await browser.newPage();
    await page.goto(`${host.url}#/executions`);
  });

  test.afterAll(async () => {
    await page?.close();
    for (const c of clients) await c.close(true).catch(() => undefined);
    await host?.stop();
  });

  test('entries from another workstation, merged across DC and DR; with DC gone, DC named and DR shown', async () => {
    test.setTimeout(120_000);
    const card = page.getByTestId('ledger-executions');
    const elsewhere = card.getByTestId('ledger-row-req_elsewhere_00000000001');
    await expect(elsewhere).toBeVisible({ timeout: 30_000 });
    await expect(elsewhere).toHaveAttribute('data-local', 'false');
    await expect(elsewhere).toContainText('run on another workstation');
    await expect(elsewhere).toContainText('Bob Backup');
    await expect(elsewhere).toContainText('laptop-b:/home/bob/.config/drdesk');
    await expect(elsewhere).toContainText('Succeeded');
    await expect(elsewhere.locator('td.sites div')).toHaveText(['DC (rs-dc)', 'DR (rs-dr)']);
    const running = card.getByTestId('ledger-row-req_drdesk_running_000001');
    await expect(running).toContainText('started, no outcome recorded');
    await expect(running.locator('td.sites div')).toHaveText(['DR (rs-dr)']);
    // Newest first.
    await expect(card.locator('tbody tr').first()).toHaveAttribute('data-testid', 'ledger-row-req_drdesk_running_000001');
    await expect(card.getByTestId('ledger-silent')).toHaveCount(0);
    await expect(page.getByTestId('execution-list')).toContainText('No execution yet.');
    await card.screenshot({ path: `${SHOTS}/executions-ledger.png` });

    await host.fault({ action: 'kill', target: 'DC' });
    await page.reload();
    const silent = card.getByTestId('ledger-silent');
    await expect(silent).toHaveCount(1, { timeout: 30_000 });
    await expect(silent).toHaveAttribute('data-site', 'DC (rs-dc)');
    await expect(silent).toContainText(/^DC \(rs-dc\) did not answer: .+; showing what DR \(rs-dr\) records\.$/);
    await expect(elsewhere.locator('td.sites div')).toHaveText(['DR (rs-dr)']);
    await expect(elsewhere).toContainText('Succeeded');
    await page.screenshot({ path: `${SHOTS}/executions-ledger-dc-gone.png`, fullPage: true });

    // The long ids stay on one line; the narrowest supported window must still not scroll sideways.
    await page.setViewportSize({ width: 1024, height: 700 });
    const widths = await page.evaluate(() => {
      const main = document.querySelector('.main')!;
      return { doc: [document.documentElement.scrollWidth, document.documentElement.clientWidth], main: [main.scrollWidth, main.clientWidth] };
    });
    expect(widths.doc[0]).toBeLessThanOrEqual(widths.doc[1]);
    expect(widths.main[0]).toBeLessThanOrEqual(widths.main[1]);
    await card.screenshot({ path: `${SHOTS}/executions-ledger-1024.png` });
  });
});

import { expect, test, type Page } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { startWebHost, type WebHostRun } from './web-host';

/**
 * The Backups page switches the cross-site backup between interval and continuous: the other option asks
 * for a confirmation first, the switch to continuous brings a DC write to DR with no cycle asked for (the
 * tailer closes a slice every 5 s), and the switch back stops the tailer. While another workstation holds
 * the lease the choice is made there: the options are disabled with that reason.
 */
test.describe('backup mode', () => {
  let host: WebHostRun;
  let page: Page;
  let dc: MongoClient;
  let dr: MongoClient;
  const client = (name: string) => {
    const site = host.sites.find((s) => s.name === name)!;
    return new MongoClient(`mongodb://${site.members.map((m) => m.host).join(',')}/?replicaSet=${site.replicaSet}`, { serverSelectionTimeoutMS: 20_000 });
  };

  test.beforeAll(async ({ browser }) => {
    host = await startWebHost();
    dc = client('DC');
    dr = client('DR');
    await Promise.all([dc.connect(), dr.connect()]);
    page = await browser.newPage();
    await page.goto(`${host.url}#/backups`);
  });

  test.afterAll(async () => {
    await page?.close();
    await Promise.all([dc?.close(true), dr?.close(true)]);
    await host?.stop();
  });

  test('interval → continuous with a confirm step, a DC write on DR without a cycle, and back', async () => {
    test.setTimeout(150_000);
    await page.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click({ timeout: 30_000 });
    await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
    const card = page.getByTestId('backup-mode');
    await expect(card).toHaveAttribute('data-mode', 'interval');
    await expect(card.getByRole('radio', { name: /Interval/ })).toBeChecked();
    await expect(card).toContainText('a slice every 5 s, RPO in seconds');

    await card.getByRole('radio', { name: /Continuous/ }).check();
    const confirm = card.getByTestId('mode-confirm');
    await expect(confirm).toContainText('The schedule stops (a cycle in progress finishes first)');
    await card.screenshot({ path: 'test-results/screenshots/backups-mode-confirm.png' });
    await confirm.getByRole('button', { name: 'Switch to continuous' }).click();
    await expect(card).toHaveAttribute('data-mode', 'continuous', { timeout: 15_000 });
    await expect(card.getByTestId('mode-outcome')).toHaveText('Now in continuous mode.', { timeout: 15_000 });
    await expect(card.getByTestId('mode-confirm')).toHaveCount(0);
    await expect(page.getByTestId('backup-schedule').locator('[data-field="Next run"]')).toHaveText('not scheduled', { timeout: 15_000 });

    await dc.db('soar').collection<{ _id: string }>('mode_e2e').insertOne({ _id: 'live' }, { writeConcern: { w: 'majority' } });
    await expect.poll(() => dr.db('soar').collection<{ _id: string }>('mode_e2e').countDocuments({ _id: 'live' }), { timeout: 30_000 }).toBe(1);
    await expect(page.getByTestId('slice-1')).toHaveAttribute('data-state', 'applied', { timeout: 15_000 });
    await card.screenshot({ path: 'test-results/screenshots/backups-mode-continuous.png' });
    await page.screenshot({ path: 'test-results/screenshots/backups-mode-page.png' });

    await card.getByRole('radio', { name: /Interval/ }).check();
    await expect(card.getByTestId('mode-confirm')).toContainText('The tailer stops at its next safe point');
    await card.getByRole('button', { name: 'Switch to interval' }).click();
    await expect(card).toHaveAttribute('data-mode', 'interval', { timeout: 15_000 });
    await expect(card.getByTestId('mode-outcome')).toHaveText('Now in interval mode.', { timeout: 15_000 });
    await expect(page.getByTestId('backup-schedule').locator('[data-field="Next run"]')).toHaveText(/\(in /, { timeout: 15_000 });

    // Another workstation takes the lease with a live heartbeat: the mode is chosen there, not here.
    const leases = dr.db('drdesk').collection<{ _id: string; term: number }>('lease', { writeConcern: { w: 'majority' } });
    const current = await leases.findOne({});
    const now = Date.now();
    await leases.updateOne(
      { _id: current!._id },
      { $set: { term: current!.term + 1, token: 'laptop-token', holder: { workstation: 'laptop-z', identity: 'zoe', hostname: 'laptop', pid: 1 }, heartbeat: new Date(now), expiresAt: new Date(now + 600_000), ttlMs: 600_000 } },
    );
    await expect(card.getByTestId('mode-locked')).toHaveText('Backups are run by zoe on laptop now: switch the mode there, or take the backups over first.', { timeout: 20_000 });
    await expect(card.getByRole('radio', { name: /Continuous/ })).toBeDisabled();
    await card.screenshot({ path: 'test-results/screenshots/backups-mode-locked.png' });
  });
});

import { expect, test, type Page } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { startWebHost, type WebHostRun } from './web-host';

/**
 * The Backups page names who runs the backups, as DR's control collections say: this workstation after
 * its baseline; another holder whose heartbeat stopped (written into DR's lease document, as a laptop that
 * went to sleep mid-cycle leaves it) with the take-over button; after the click, this workstation again
 * under the next term.
 */
test.describe('who runs the backups', () => {
  let host: WebHostRun;
  let page: Page;
  let dr: MongoClient;

  test.beforeAll(async ({ browser }) => {
    host = await startWebHost();
    const site = host.sites.find((s) => s.name === 'DR')!;
    dr = new MongoClient(`mongodb://${site.members.map((m) => m.host).join(',')}/?replicaSet=${site.replicaSet}`, { serverSelectionTimeoutMS: 20_000 });
    await dr.connect();
    page = await browser.newPage();
    await page.goto(`${host.url}#/backups`);
  });

  test.afterAll(async () => {
    await page?.close();
    await dr?.close(true);
    await host?.stop();
  });

  test('the lease holder and its heartbeat, and a take-over once the heartbeat stopped', async () => {
    test.setTimeout(150_000);
    await page.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click({ timeout: 30_000 });
    await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
    const card = page.getByTestId('backup-lease');
    await expect(card.locator('[data-field="Lease"]')).toHaveText(/^Backups are run by this workstation \(last heartbeat \d+ s ago\)\.$/, { timeout: 15_000 });
    await expect(card.getByRole('button', { name: 'Take over the backups' })).toHaveCount(0);

    const leases = dr.db('drdesk').collection<{ _id: string; term: number }>('lease', { writeConcern: { w: 'majority' } });
    const current = await leases.findOne({});
    expect(current).not.toBeNull();
    const now = Date.now();
    await leases.updateOne(
      { _id: current!._id },
      { $set: { term: current!.term + 1, token: 'laptop-token', holder: { workstation: 'laptop-z', identity: 'zoe', hostname: 'laptop', pid: 1 }, heartbeat: new Date(now - 120_000), expiresAt: new Date(now - 60_000), ttlMs: 60_000 } },
    );
    await expect(card.locator('[data-field="Lease"]')).toHaveText(/^Backups are run by zoe on laptop \(last heartbeat 1[2-9]\d s ago\)\.$/, { timeout: 15_000 });
    await expect(card).toHaveAttribute('data-stopped', 'true');
    await page.screenshot({ path: 'test-results/screenshots/backups-lease-stopped.png' });
    await card.getByRole('button', { name: 'Take over the backups' }).click();
    await expect(card.locator('[data-field="Lease"]')).toHaveText(/^Backups are run by this workstation/, { timeout: 60_000 });
    const after = await leases.findOne({});
    expect(after!.term).toBeGreaterThan(current!.term + 1);
  });
});

import { expect, test, type Page } from '@playwright/test';
import { FixtureDesk } from '../fixtures/fixture-desk';
import { startFixtureHost, type FixtureHost } from '../fixtures/fixture-host';

/**
 * Renderer behaviour the sandbox cannot stage on demand, on the in-memory fixture desk served over the same
 * web-socket protocol: notifications on a change to red, the credentials form, a lost and regained
 * connection, and an engine that stops polling.
 */
const SHOTS = 'test-results/screenshots';

test.describe.configure({ mode: 'serial' });

let desk: FixtureDesk;
let host: FixtureHost;
let page: Page;
const frames: string[] = [];

test.beforeAll(async ({ browser }) => {
  desk = new FixtureDesk({ pollIntervalMs: 500, electionMs: 800 });
  desk.start();
  host = await startFixtureHost(desk.api);
  page = await browser.newPage();
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push(String(f.payload)));
    ws.on('framesent', (f) => frames.push(String(f.payload)));
  });
  await page.addInitScript(() => {
    const shown: string[] = [];
    (globalThis as unknown as { __notifications: string[] }).__notifications = shown;
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string) {
        shown.push(title);
      }
    }
    Object.defineProperty(globalThis, 'Notification', { value: RecordingNotification });
  });
  await page.goto(host.url);
  await expect(page.getByTestId('site-diagram')).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await host?.close();
  desk?.stop();
});

test('a change to red raises a browser notification and is listed', async () => {
  desk.kill('dc-2');
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __notifications: string[] }).__notifications), { timeout: 5000 }).toContain('DR Desk: Fixture topology is RED');
  await page.getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByTestId('alert-list')).toContainText('MEMBER_DOWN');
  await page.screenshot({ path: `${SHOTS}/alerts.png` });
});

test('a secret goes in once, the field is cleared, and it is never sent back', async () => {
  const canary = `canary-${Date.now()}-secret`;
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByTestId('secret-backend')).toContainText('Secret Service');
  await expect(page.getByTestId('secret-dr-db-password')).toContainText('not set');
  await page.getByTestId('secret-dr-db-password').getByRole('button', { name: 'Set…' }).click();
  const form = page.getByTestId('secret-form');
  await expect(form.getByLabel('Name')).toHaveValue('dr-db-password');
  await form.getByTestId('secret-value').fill(canary);
  await form.getByRole('button', { name: 'Save to keychain' }).click();
  await expect(page.getByTestId('secret-outcome')).toContainText('Saved "dr-db-password"');
  await expect(form.getByTestId('secret-value')).toHaveValue('');
  await expect(page.getByTestId('secret-dr-db-password')).toContainText('set');
  await page.screenshot({ path: `${SHOTS}/credentials-fixture.png` });
  expect(await page.content()).not.toContain(canary);
  expect(frames.filter((f) => f.includes(canary))).toHaveLength(1);
  expect(frames.find((f) => f.includes(canary))).toContain('"method":"setSecret"');

  const row = page.getByTestId('secret-dr-db-password');
  await row.getByRole('button', { name: 'Delete…' }).click();
  await expect(row.getByRole('alertdialog')).toContainText('Delete from the keychain?');
  await row.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row).toContainText('not set');
});

test('a bad secret name comes back as an error with its code', async () => {
  const form = page.getByTestId('secret-form');
  await form.getByLabel('Name').fill('bad name');
  await form.getByTestId('secret-value').fill('x');
  await form.evaluate((f) => (f as unknown as { noValidate: boolean }).noValidate = true);
  await form.getByRole('button', { name: 'Save to keychain' }).click();
  await expect(page.getByTestId('secret-outcome')).toContainText('BAD_INPUT');
});

test('a lost connection is shown at once and the page recovers when the host is back', async () => {
  await page.getByRole('link', { name: 'Overview' }).click();
  host.suspend();
  const banner = page.getByTestId('freshness-banner');
  await expect(banner).toHaveAttribute('data-kind', 'lost', { timeout: 3000 });
  await expect(banner).toContainText('Connection lost — reconnecting');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'lost');
  await page.screenshot({ path: `${SHOTS}/connection-lost-fixture.png` });
  host.resume();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open', { timeout: 10_000 });
  await expect(banner).toHaveCount(0, { timeout: 5000 });
});

test('a call made while disconnected fails with a timeout instead of hanging', async () => {
  host.suspend();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'lost', { timeout: 3000 });
  await page.getByRole('link', { name: 'Replication' }).click();
  const timeout = page.getByRole('alert').filter({ hasText: 'TIMEOUT' });
  await expect(timeout).toContainText('getHistory got no answer within 15 s', { timeout: 20_000 });
  host.resume();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open', { timeout: 10_000 });
  await page.getByRole('button', { name: '15 min', exact: true }).click();
  await expect(timeout).toHaveCount(0);
  await expect(page.getByTestId('lag-chart').locator('.recharts-line-curve')).not.toHaveCount(0);
  await page.getByRole('link', { name: 'Overview' }).click();
});

test('an engine that stops polling turns the data visibly stale', async () => {
  desk.freeze();
  const banner = page.getByTestId('freshness-banner');
  await expect(banner).toHaveAttribute('data-kind', 'stale', { timeout: 5000 });
  await expect(banner).toContainText('polls are due every');
  await page.screenshot({ path: `${SHOTS}/stale.png` });
});

import { expect, test, type Page } from '@playwright/test';
import { coSign, requestDrActivation, start } from './activation-flow';
import { CoSigningTeam, go, screenshots, setUpIdentitiesAndRoster, SHOTS, type Desk } from './co-signing-team';

/**
 * The operator's bad day, end to end on the sandbox through the UI: DC's site is lost (every member killed
 * from the Faults page), DR is activated through an approved runbook whose fence step cannot reach DC, and
 * then DC comes back with a primary of its own and its application answering. The Overview must say
 * SPLIT_BRAIN (red, first) within one poll, show DR as the active site with the data flowing back, and
 * the standing fence must run the moment DC answers and say so. Then, with the tables this run filled,
 * every page at 1024×700 and 1440×900 without horizontal overflow (screenshots in test-results/screenshots/).
 */
test.describe.configure({ mode: 'serial' });

const team = new CoSigningTeam('drdesk-e2e-split-');
const shot = screenshots('split');
let operator: Desk;
/** A second tab of the operator's, left on the Overview while the first clicks faults. */
let watch: Page;
let pollMs = 1000;
/** The topology's per-request deadline: an unreachable site's members answer "no" only after it. */
const REQUEST_DEADLINE_MS = 3000;
const UI_SLACK_MS = 2000;
const PAGES = ['overview', 'replication', 'alerts', 'faults', 'backups', 'runbooks', 'executions', 'requests', 'approve', 'identity', 'roster', 'audit', 'drills', 'credentials'];

function note(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

test.beforeAll(async ({ browser }) => {
  await team.start(browser);
  operator = team.operator;
  watch = await operator.page.context().newPage();
  await watch.goto(operator.host.url);
  await expect(watch.getByTestId('site-diagram')).toBeVisible({ timeout: 30_000 });
  pollMs = Number(await watch.getByTestId('site-diagram').getAttribute('data-poll-interval-ms'));
});

test.afterAll(() => team.close());

test('three people set up identities and one roster', () => setUpIdentitiesAndRoster(team));

test('a baseline reaches DR, and the Faults page shows the sandbox control URL', async () => {
  const { page } = operator;
  await go(page, 'Backups');
  await page.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click();
  await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
  await go(page, 'Faults');
  await expect(page.getByTestId('sandbox-control-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test('DC site loss from the Faults page: every DC member down on the Overview', async () => {
  const { page } = operator;
  const before = await watch.getByTestId('site-diagram').boundingBox();
  await page.getByTestId('fault-kill-DC').click();
  await expect(page.getByTestId('fault-outcome')).toContainText('killed dc-1');
  await expect(watch.getByTestId('site-DC')).toHaveAttribute('data-reachable', 'false', { timeout: 20_000 });
  // The stale banner comes without moving the page under the operator's pointer.
  await expect(watch.getByTestId('freshness-banner')).toContainText('DC is not answering');
  expect(await watch.getByTestId('site-diagram').boundingBox()).toEqual(before);
  await watch.screenshot({ path: `${SHOTS}/split-01-dc-lost.png` });
});

test('DR activation requested, co-signed by IT and business, started and run to the end', async () => {
  const { page } = operator;
  const r = await requestDrActivation(page, 'DC site lost (every member down): activate DR from the latest verified slice, fence DC when it returns.');
  await coSign(team, r.id, r.token);
  await start(page, r.id);
  const status = page.getByTestId('execution-status');
  await expect(status).toHaveAttribute('data-status', /succeeded|failed|interrupted|abort/, { timeout: 150_000 });
  await shot(page, '02-activation-finished');
  expect(await status.getAttribute('data-status'), await page.getByTestId('step-table').innerText()).toBe('succeeded');
});

test('after the activation the Overview swaps the roles: DR active, DC standby, the data flowing DR → DC, a standing fence on DC', async () => {
  await expect(watch.getByTestId('site-role-DR')).toHaveText(/active/, { timeout: 20_000 });
  await expect(watch.getByTestId('site-role-DC')).toHaveText(/standby/);
  await expect(watch.getByTestId('backup-link')).toHaveAttribute('data-direction', 'DR→DC');
  await expect(watch.getByTestId('activation-note')).toContainText('DR was activated at');
  await expect(watch.getByTestId('standing-fence-DC')).toHaveAttribute('data-state', 'waiting');
  await expect(watch.getByTestId('standing-fence-DC')).toContainText('the moment it answers again');
  await watch.screenshot({ path: `${SHOTS}/split-03-roles-swapped.png` });
});

test('DC comes back with a primary and its application answering: SPLIT_BRAIN red and first within one poll; the standing fence runs and is reported', async () => {
  const { page } = operator;
  await go(page, 'Faults');
  // DC's members come back behind a network still cut from the desk, elect a primary and serve the
  // application: the situation of the bad day, where DC ran on for a while before anyone saw it.
  await page.getByTestId('fault-cut-desk-DC').click();
  await expect(page.getByTestId('fault-outcome')).toContainText('from every client');
  await page.getByTestId('fault-revive-DC').click();
  await expect(page.getByTestId('fault-outcome')).toContainText('revived dc-1');
  await expect(page.locator('[data-testid^="fault-member-dc-"][data-state="PRIMARY"]')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('fault-app-DC')).toHaveText(/running$/, { timeout: 20_000 });
  const appUpAt = Date.now();
  const reasons = watch.getByTestId('status-reasons');
  const budget = pollMs + REQUEST_DEADLINE_MS + UI_SLACK_MS;
  await expect(reasons.locator('li').first()).toHaveAttribute('data-code', 'SPLIT_BRAIN', { timeout: budget });
  note('split brain (application) shown after', `${Date.now() - appUpAt} ms (poll ${pollMs} ms, budget ${budget} ms)`);
  await expect(reasons.locator('li').first()).toHaveClass(/level-red/);
  await expect(reasons.locator('li').first()).toContainText('on DC its application answers');
  await expect(watch.getByTestId('status-panel')).toHaveAttribute('data-level', 'red');
  await expect(watch.getByTestId('split-brain-action')).toBeVisible();
  await watch.screenshot({ path: `${SHOTS}/split-04-split-brain.png` });

  // The network to DC returns: the desk reaches DC's writable primary and fences it at once.
  await page.getByTestId('fault-heal-DC').click();
  const healedAt = Date.now();
  const fence = watch.getByTestId('standing-fence-DC');
  await expect(fence).toHaveAttribute('data-state', 'applied', { timeout: budget * 2 });
  note('standing fence applied after', `${Date.now() - healedAt} ms`);
  await expect(fence).toContainText('DC fenced at');
  await expect(page.locator('[data-testid^="fault-member-dc-"][data-state="PRIMARY"]')).toHaveCount(0, { timeout: 20_000 });
  await expect(reasons.locator('[data-code="SPLIT_BRAIN"]')).toHaveCount(0, { timeout: budget * 2 });
  await expect(watch.getByTestId('site-role-DR')).toHaveText(/active/);
  await watch.screenshot({ path: `${SHOTS}/split-05-fenced.png` });
  // Reported where the person at the desk looks afterwards: the alert history names the split brain.
  await go(watch, 'Alerts');
  await expect(watch.getByTestId('alert-list')).toContainText('SPLIT_BRAIN');
  await watch.screenshot({ path: `${SHOTS}/split-06-alerts.png` });
});

test('a credential with a long name, so the Credentials table is populated too', async () => {
  const { page } = operator;
  await go(page, 'Credentials');
  const form = page.getByTestId('secret-form');
  await form.getByLabel('Name').fill('dr-reporting-replica-readonly-password-for-quarterly-audits-2026');
  await form.getByTestId('secret-value').fill('s3cret-value');
  await form.getByRole('button', { name: 'Save to keychain' }).click();
  await expect(form.getByTestId('secret-outcome')).toBeVisible();
  await expect(page.getByText('dr-reporting-replica-readonly-password-for-quarterly-audits-2026').first()).toBeVisible();
});

for (const size of [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
])
  test(`with populated tables every page at ${size.width}×${size.height}: no horizontal overflow, status above the fold, sidebar badge in view`, async () => {
    const page = watch;
    await page.setViewportSize(size);
    const overflowing: string[] = [];
    for (const id of PAGES) {
      await page.goto(`${operator.host.url.split('#')[0]}#/${id}`);
      await page.waitForTimeout(800);
      if (id === 'overview') {
        const box = await page.getByTestId('status-panel').boundingBox();
        expect(box!.y).toBeLessThan(size.height - 80);
        await page.screenshot({ path: `${SHOTS}/split-page-overview-top-${size.width}x${size.height}.png` });
      }
      const m = await page.evaluate(() => {
        const d = document.documentElement;
        const main = document.querySelector('.main');
        // Scroll to the bottom: the sidebar badge must stay in view however long the page.
        if (main) main.scrollTop = main.scrollHeight;
        window.scrollTo(0, document.body.scrollHeight);
        const wide = Array.from(document.querySelectorAll('.main *'))
          .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.clientWidth > 0)
          .slice(0, 3)
          .map((el) => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} ${el.scrollWidth}/${el.clientWidth}`);
        return { doc: [d.scrollWidth, d.clientWidth], main: main ? [main.scrollWidth, main.clientWidth] : [0, 0], wide };
      });
      await page.screenshot({ path: `${SHOTS}/split-page-${id}-${size.width}x${size.height}.png` });
      if (m.doc[0] > m.doc[1] || m.main[0] > m.main[1]) overflowing.push(`${id}: document ${m.doc.join('/')}, main ${m.main.join('/')} (${m.wide.join('; ')})`);
      await expect(page.getByTestId('nav-status')).toBeInViewport();
    }
    expect(overflowing).toEqual([]);
  });

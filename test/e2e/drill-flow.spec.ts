import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { coSign, requestDrActivation, start } from './activation-flow';
import { CoSigningTeam, go, screenshots, setUpIdentitiesAndRoster, SHOTS, type Desk } from './co-signing-team';

/**
 * Issue 6's acceptance path through the UI on the sandbox: an operator previews the DR activation plan on
 * the Runbooks page and requests approval; an IT and a business approver co-sign on their own DR Desk
 * instances (tokens carried between pages as a person would); the operator imports both approvals, starts
 * the execution, watches it to the end and exports the PDF report, which is checked with pdftotext.
 */
const DOWNLOADS = 'test-results/downloads';

test.describe.configure({ mode: 'serial' });

const team = new CoSigningTeam('drdesk-e2e-flow-', { acceptDownloads: true });
const shot = screenshots('flow');
let operator: Desk;
let itApprover: Desk;
let bizApprover: Desk;
let requestId = '';
let requestToken = '';
let executionId = '';

function hasTool(tool: string): boolean {
  return ['/usr/bin', '/usr/local/bin'].some((d) => existsSync(join(d, tool)));
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DOWNLOADS, { recursive: true });
  await team.start(browser);
  ({ operator, itApprover, bizApprover } = team);
});

test.afterAll(() => team.close());

test('three people set up identities and one roster (operator, IT approver, business approver)', () => setUpIdentitiesAndRoster(team));

test('without a baseline the approved activation stops at its precheck: the page says why, offers resume, and aborts cleanly', async () => {
  const { page } = operator;
  const r = await requestDrActivation(page, 'Rehearsal before any backup exists: the precheck must refuse.');
  await coSign(team, r.id, r.token);
  await start(page, r.id);
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(page.getByTestId('execution-error')).toContainText('BACKUP_VERIFY_FAILED');
  await expect(page.getByTestId('step-1')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('step-2')).toHaveAttribute('data-status', 'pending');
  await shot(page, '00a-execution-failed');
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('resume-dialog')).toContainText('It continues at step 1');
  await page.screenshot({ path: `${SHOTS}/flow-00b-resume-dialog.png` });
  await page.getByTestId('resume-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('abort').click();
  await expect(page.getByTestId('abort-dialog')).toContainText('nothing is undone');
  await page.getByTestId('abort-dialog-confirm').click();
  await expect(page.getByTestId('execution-status')).toHaveAttribute('data-status', 'aborted', { timeout: 30_000 });
  await expect(page.getByTestId('step-11')).toHaveAttribute('data-status', 'skipped');
  await expect(page.getByTestId('resume')).toHaveCount(0);
  await shot(page, '00c-execution-aborted');
});

test('the operator takes the baseline DR activation will apply (Backups page)', async () => {
  const { page } = operator;
  await go(page, 'Backups');
  await page.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click();
  await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
  await expect(page.getByTestId('no-baseline')).toBeHidden();
});

test('the Runbooks page previews the exact DR activation plan, with the fencing note, and requests approval', async () => {
  const { page } = operator;
  await go(page, 'Runbooks');
  await page.getByTestId('runbook-dr-activation').click();
  const plan = page.getByTestId('runbook-plan');
  await expect(plan.locator('[data-op="mongo.fence"]')).toContainText('replSetStepDown', { timeout: 20_000 });
  await expect(plan.locator('[data-op="mongo.fence"]')).toContainText('Lift the fence');
  await expect(plan.locator('[data-op="backup.applyLatest"]')).toContainText('no — asks before re-running');
  await expect(page.getByTestId('plan-warnings')).toContainText('DC primary still reachable', { timeout: 20_000 });
  await expect(page.getByTestId('plan-warnings')).toContainText('fencing step included');
  const r = await requestDrActivation(page, 'DC storage array lost: activate DR from the latest verified slice.', () => shot(page, '01-runbook-plan-preview'));
  requestId = r.id;
  requestToken = r.token;
  await shot(page, '02-request-created');
});

test('a locked request cannot be started: the Executions page names the missing approvers', async () => {
  const { page } = operator;
  await go(page, 'Executions');
  const row = page.getByTestId(`ready-${requestId}`);
  await expect(row).toHaveAttribute('data-unlocked', 'false');
  await expect(row.getByTestId(`missing-${requestId}`)).toContainText('IT');
  await expect(row.getByTestId(`missing-${requestId}`)).toContainText('business');
  await expect(row.getByTestId(`start-${requestId}`)).toHaveCount(0);
  await shot(page, '03-executions-locked');
});

test('the IT and the business approver co-sign on their own instances; the operator imports both', async () => {
  await coSign(team, requestId, requestToken, '04-approver-review', shot);
  await shot(operator.page, '05-request-unlocked');
});

test('the operator starts the execution and watches it run to completion', async () => {
  const { page } = operator;
  executionId = await start(page, requestId, () => shot(page, '06-executions-ready'));
  // Live progress: a step is seen running with its deadline, or the run has already stopped.
  const status = page.getByTestId('execution-status');
  await expect(page.getByTestId('running-step').or(page.locator('[data-testid="execution-status"]:not([data-status="running"])'))).toBeVisible({ timeout: 30_000 });
  if (await page.getByTestId('running-step').isVisible()) await shot(page, '07-execution-running');
  await expect(status).toHaveAttribute('data-status', /succeeded|failed|interrupted|abort/, { timeout: 150_000 });
  await shot(page, '08-execution-finished');
  expect(await status.getAttribute('data-status'), await page.getByTestId('step-table').innerText()).toBe('succeeded');
  const steps = page.getByTestId('step-table').locator('tr[data-status]');
  expect(await steps.count()).toBeGreaterThan(5);
  for (const s of await steps.all()) await expect(s).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('execution-progress')).toHaveAttribute('aria-valuenow', String(await steps.count()));
  await page.getByTestId('step-toggle-2').click();
  await expect(page.getByTestId('step-runs-2')).toContainText('Attempt 1');
});

test('the report shows RTO, approvers and checkpoint, and the exported PDF carries them', async () => {
  const { page } = operator;
  await page.getByTestId('show-report').click();
  const report = page.getByTestId('report');
  await expect(report).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('objective-rto')).toHaveAttribute('data-met', 'true');
  await expect(page.getByTestId('report-approvals')).toContainText(itApprover.name);
  await expect(page.getByTestId('report-approvals')).toContainText(bizApprover.name);
  await expect(page.getByTestId('report-approvals')).toContainText('Policy satisfied');
  await expect(page.getByTestId('report-checkpoint')).toContainText('Head hash');
  await shot(page, '09-execution-report');

  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-pdf').click()]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const pdf = join(DOWNLOADS, 'flow-dr-activation.pdf');
  await download.saveAs(pdf);
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  test.skip(!hasTool('pdftotext') || !hasTool('pdftoppm'), 'poppler-utils (pdftotext, pdftoppm) are not installed');
  // Table cells wrap: words of one name may sit on two lines, so the text is read with its whitespace folded.
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(text).toMatch(/RTO 60 s [\d.]+ s MET/);
  expect(text).toContain('RPO');
  expect(text).toContain(`${itApprover.name} IT`);
  expect(text).toContain(`${bizApprover.name} business`);
  expect(text).toContain('1 approver from IT AND 1 approver from business — satisfied');
  expect(text).toContain(executionId);
  expect(text).toContain('Signed audit checkpoint');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, join(SHOTS, 'flow-10-pdf-page')]);
});

test('the Drills page lists the scenarios and the runs; the dc-primary-failure drill runs with live progress and a report to sign', async () => {
  const { page } = operator;
  await go(page, 'Drills');
  await expect(page.getByTestId('scenario-dc-site-loss')).toBeVisible();
  await page.getByTestId('run-dc-primary-failure').click();
  const live = page.getByTestId('drill-live');
  await expect(live).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('drill-log').locator('li')).not.toHaveCount(0, { timeout: 30_000 });
  await shot(page, '11-drill-running');
  await expect(live).toHaveAttribute('data-phase', /done|failed/, { timeout: 150_000 });
  await page.getByTestId('drill-report-link').click();
  await expect(page.getByTestId('report')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('objective-rto')).toBeVisible();
  // The tester who ran it, not the practice identity that signed its steps.
  await expect(page.getByTestId('report-initiator')).toHaveText(operator.name);
  await page.getByTestId('verdict').getByLabel('Pass', { exact: true }).check();
  await page.getByTestId('verdict-notes').fill('Election within the target; no acknowledged write lost.');
  await page.getByTestId('verdict-save').click();
  await expect(page.getByTestId('verdict-view')).toContainText('Pass');
  await shot(page, '12-drill-report');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('drill-export-pdf').click()]);
  const pdf = join(DOWNLOADS, 'flow-drill.pdf');
  await download.saveAs(pdf);
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  if (hasTool('pdftotext')) expect(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })).toContain('Election within the target');
});

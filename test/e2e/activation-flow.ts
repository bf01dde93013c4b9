import { expect, type Page } from '@playwright/test';
import { go, type CoSigningTeam } from './co-signing-team';

/**
 * The DR activation through the UI as the approval specs walk it: requested on the Runbooks page, co-signed
 * by the IT and the business approver on their own instances, the decisions imported by the operator, and
 * started from the Executions page.
 */

/** The Runbooks page: DR activation previewed and handed to a new request; returns its id and export token. */
export async function requestDrActivation(page: Page, reason: string, beforeSubmit?: () => Promise<void>): Promise<{ id: string; token: string }> {
  await go(page, 'Runbooks');
  await page.getByTestId('runbook-dr-activation').click();
  const plan = page.getByTestId('runbook-plan');
  await expect(plan).toHaveAttribute('data-runbook', 'dr-activation', { timeout: 20_000 });
  await page.getByTestId('approval-reason').fill(reason);
  await beforeSubmit?.();
  await page.getByTestId('request-approval-submit').click();
  const view = page.getByTestId('request-view');
  await expect(view).toBeVisible({ timeout: 20_000 });
  const id = (await view.getAttribute('data-request-id')) ?? '';
  expect(id).toMatch(/^req_/);
  await expect(page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'false');
  const token = await page.getByTestId('request-export-token').inputValue();
  expect(token).toMatch(/^drdesk1\./);
  return { id, token };
}

/** Both approvers import the request on their own instance and approve; the operator imports both decisions. */
export async function coSign(team: CoSigningTeam, id: string, token: string, reviewShot?: string, shot?: (page: Page, name: string) => Promise<void>): Promise<void> {
  const decisions: string[] = [];
  for (const [d, comment] of [
    [team.itApprover, 'Checked with the DC team: the array is gone. Approved for IT.'],
    [team.bizApprover, 'Business owner: the shop must reopen from DR.'],
  ] as const) {
    const { page } = d;
    await go(page, 'Approve');
    await page.getByTestId('request-import-text').fill(token);
    await page.getByRole('button', { name: 'Import request' }).click();
    await expect(page.getByTestId('review')).toHaveAttribute('data-request-id', id, { timeout: 20_000 });
    await expect(page.getByTestId('review').getByTestId('plan').locator('[data-op="mongo.fence"]')).toBeVisible();
    await page.getByTestId('decision-comment').fill(comment);
    await page.getByTestId('decision-checked').check();
    if (d === team.itApprover && reviewShot && shot) await shot(page, reviewShot);
    await page.getByTestId('approve-button').click();
    await expect(page.getByTestId('my-decision')).toHaveAttribute('data-decision', 'approve');
    decisions.push(await page.getByTestId('decision-export-token').inputValue());
  }
  const { page } = team.operator;
  await go(page, 'Requests');
  await page.locator(`a[href="#/requests/${id}"]`).first().click();
  for (const t of decisions) {
    await page.getByTestId('approval-import-text').fill(t);
    await page.getByRole('button', { name: 'Import approval' }).click();
    await expect(page.getByTestId('approval-import-done')).toContainText('verified and counted');
  }
  await expect(page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'true');
}

/** From the Executions page: Start on the request's row; returns the execution page's id. */
export async function start(page: Page, id: string, beforeStart?: () => Promise<void>): Promise<string> {
  await go(page, 'Executions');
  const row = page.getByTestId(`ready-${id}`);
  await expect(row).toHaveAttribute('data-unlocked', 'true');
  await beforeStart?.();
  await row.getByTestId(`start-${id}`).click();
  const exec = page.getByTestId('execution');
  await expect(exec).toBeVisible({ timeout: 20_000 });
  const ex = (await exec.getAttribute('data-execution-id')) ?? '';
  expect(ex).toMatch(/^ex-/);
  return ex;
}

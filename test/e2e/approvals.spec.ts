import { expect, test } from '@playwright/test';
import { CoSigningTeam, createIdentity, go, importRoster, screenshots, signRoles, twoAdminRoster, type Desk } from './co-signing-team';

/**
 * Issue 5's acceptance path through the UI, on three DR Desk instances (three web hosts, three data
 * directories, three keys in the Secret Service): an operator (also the roster's first admin), an IT approver
 * (the second admin: roster changes need two) and a business approver. The operator's host runs the sandbox; the approvers' hosts watch the same sandbox
 * through its topology file. Tokens travel between the instances only as a person would carry them: read
 * from one page's export field and pasted into the other page.
 */
test.describe.configure({ mode: 'serial' });

const team = new CoSigningTeam('drdesk-e2e-approvals-');
const shot = screenshots('approvals');
let operator: Desk;
let itApprover: Desk;
let bizApprover: Desk;
let requestToken = '';
let requestId = '';
let itApproval = '';
/** Set when this session has no OS keychain: every later step needs the identities, so all of them skip. */
let noKeychain: string | null = null;

test.beforeAll(async ({ browser }) => {
  await team.start(browser);
  ({ operator, itApprover, bizApprover } = team);
});

test.beforeEach(() => test.skip(noKeychain !== null, noKeychain ?? ''));

test.afterAll(() => team.close());

test('each person creates an identity; the private key goes to the OS keychain', async () => {
  for (const [i, d] of [operator, itApprover, bizApprover].entries()) {
    await createIdentity(d, (reason) => (noKeychain = reason));
    expect(d.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    await expect(d.page.getByTestId('identity')).toContainText('Secret Service');
    expect(d.enrollment).toMatch(/^drdesk-enroll1\./);
    if (i < 2) await shot(d.page, `01-identity-${i === 0 ? 'operator' : 'it-approver'}`);
  }
  expect(new Set([operator.fingerprint, itApprover.fingerprint, bizApprover.fingerprint]).size).toBe(3);
});

let rosterToken = '';
test('the operator starts the roster; Ivan joins as second admin, and both sign adding Bea and making the operator an operator', async () => {
  const { page } = operator;
  rosterToken = await twoAdminRoster(team, shot);
  await expect(page.getByTestId(`roster-person-${itApprover.name}`)).toContainText('admin');
  await expect(page.getByTestId(`roster-person-${operator.name}`)).toContainText('operator');
  // The same person twice is refused, with the engine's reason, before anything is signed.
  const form = page.getByTestId('add-person');
  await form.getByTestId('add-person-token').fill(itApprover.enrollment);
  await form.getByTestId('add-person-group').fill('IT');
  await form.getByRole('button', { name: 'Sign and add' }).click();
  await expect(form.getByTestId('add-person-refusal')).toContainText('appears twice');
  await shot(page, '03-roster-admin');
});

test('alone, the operator (an admin) cannot weaken the roster: giving Bea admin waits for Ivan', async () => {
  const { page } = operator;
  await go(page, 'Roster');
  await signRoles(page, bizApprover, ['approver', 'admin']);
  const pending = page.getByTestId('roster-pending');
  await expect(pending).toContainText('waits for a second admin');
  await expect(pending).toContainText(`it makes ${bizApprover.name} admin`);
  await expect(page.getByTestId('roster-version')).toContainText('Version 4');
  await shot(page, '03b-roster-alone-refused');
});

test('Bea imports the roster after confirming the admin fingerprint; Ivan has it from co-signing', async () => {
  const { page } = bizApprover;
  await importRoster(bizApprover, rosterToken, async (prompt) => {
    await expect(prompt).toContainText(operator.fingerprint);
    await expect(prompt).toHaveAttribute('data-code', 'ROSTER_TRUST_REQUIRED');
    await expect(page.getByTestId('roster-import-box-refusal')).toHaveCount(0);
    await shot(page, '04-roster-trust-admin');
  });
  await expect(page.getByTestId('roster-table')).toContainText(bizApprover.name);
  await expect(page.getByTestId('roster-version')).toContainText('Version 4');
  await go(itApprover.page, 'Roster');
  await expect(itApprover.page.getByTestId('roster-version')).toContainText('Version 4');
  await shot(itApprover.page, '05-roster-approver');
});

test('the operator creates a DR activation request, seeing the plan and the status first, and exports it', async () => {
  const { page } = operator;
  await go(page, 'Requests');
  await page.getByTestId('new-request-button').click();
  const preview = page.getByTestId('plan-preview');
  await expect(preview.getByTestId('plan')).toHaveAttribute('data-runbook', 'dr-activation', { timeout: 20_000 });
  await expect(preview.locator('[data-op="mongo.fence"]')).toBeVisible();
  await expect(preview.locator('[data-op="mongo.promote"]')).toBeVisible();
  await expect(page.getByTestId('request-snapshot')).toContainText('DC');
  await expect(page.getByTestId('request-target')).toHaveValue(/→/);
  await page.getByTestId('request-reason-input').fill('DC storage array lost; DR activation drill of the incident runbook.');
  await page.getByTestId('request-expiry-minutes').fill('120');
  await shot(page, '06-request-new');
  await page.getByTestId('create-request').click();
  const view = page.getByTestId('request-view');
  await expect(view).toBeVisible({ timeout: 20_000 });
  requestId = (await view.getAttribute('data-request-id')) ?? '';
  await expect(page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'false');
  await expect(page.getByTestId('requirement-IT')).toHaveAttribute('data-met', 'false');
  await expect(page.getByTestId('requirement-business')).toHaveAttribute('data-met', 'false');
  requestToken = await page.getByTestId('request-export-token').inputValue();
  expect(requestToken).toMatch(/^drdesk1\./);
  await shot(page, '07-request-created');
});

test('the IT approver imports the request, sees what it will do and approves', async () => {
  const { page } = itApprover;
  await go(page, 'Approve');
  await page.getByTestId('request-import-text').fill(requestToken);
  await page.getByRole('button', { name: 'Import request' }).click();
  const review = page.getByTestId('review');
  await expect(review).toHaveAttribute('data-request-id', requestId, { timeout: 20_000 });
  await expect(page.getByTestId('review-reason')).toContainText('DC storage array lost');
  await expect(review.getByTestId('plan').locator('[data-op="mongo.fence"]')).toBeVisible();
  await expect(page.getByTestId('approver-status').getByTestId('site-status-DC')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('approver-status').getByTestId('site-status-DR')).toBeVisible();
  await expect(page.getByTestId('risks').locator('[data-code="FENCE_INCLUDED"]')).toContainText('DC primary');
  await expect(page.getByTestId('risks').locator('[data-code="FENCE_INCLUDED"]')).toContainText('fencing step included');
  await shot(page, '08-approve-review');
  await page.getByTestId('decision-comment').fill('Checked with the DC team: the array is gone. Approved for IT.');
  await page.getByTestId('decision-checked').check();
  await page.getByTestId('approve-button').click();
  await expect(page.getByTestId('my-decision')).toHaveAttribute('data-decision', 'approve');
  itApproval = await page.getByTestId('decision-export-token').inputValue();
  expect(itApproval).toMatch(/^drdesk1\./);
  await shot(page, '09-approve-signed');
});

test('with only the IT approval the request stays locked and names the missing business approver', async () => {
  const { page } = operator;
  await page.getByTestId('approval-import-text').fill(itApproval);
  await page.getByRole('button', { name: 'Import approval' }).click();
  await expect(page.getByTestId('approval-import-done')).toContainText('verified and counted');
  await expect(page.getByTestId('requirement-IT')).toHaveAttribute('data-met', 'true');
  await expect(page.getByTestId('requirement-IT')).toContainText(`met by ${itApprover.name}`);
  await expect(page.getByTestId('requirement-business')).toHaveAttribute('data-met', 'false');
  await expect(page.getByTestId('requirement-business')).toContainText('missing');
  await expect(page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'false');
  await expect(page.getByTestId('lock-state')).toContainText('missing: 1 approver from business');
  await shot(page, '10-request-locked-it-only');
});

test('an approval token with one changed character is refused with its reason', async () => {
  const { page } = operator;
  const i = Math.floor(itApproval.length / 2);
  const changed = `${itApproval.slice(0, i)}${itApproval[i] === 'A' ? 'B' : 'A'}${itApproval.slice(i + 1)}`;
  await page.getByTestId('approval-import-text').fill(changed);
  await page.getByRole('button', { name: 'Import approval' }).click();
  const refusal = page.getByTestId('approval-import-refusal');
  await expect(refusal).toBeVisible();
  expect(await refusal.getAttribute('data-code')).toMatch(/TOKEN|CORRUPT|CHECKSUM|SIGNATURE/);
  await shot(page, '11-approval-tampered-refused');
  await expect(page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'false');
});

test('with the business approval too, the request unlocks', async () => {
  const { page } = bizApprover;
  await go(page, 'Approve');
  await page.getByTestId('request-import-text').fill(requestToken);
  await page.getByRole('button', { name: 'Import request' }).click();
  await expect(page.getByTestId('review')).toHaveAttribute('data-request-id', requestId, { timeout: 20_000 });
  await page.getByTestId('decision-comment').fill('Business owner: the shop must reopen from DR.');
  await page.getByTestId('decision-checked').check();
  await page.getByTestId('approve-button').click();
  const bizApproval = await page.getByTestId('decision-export-token').inputValue();

  await operator.page.getByTestId('approval-import-text').fill(bizApproval);
  await operator.page.getByRole('button', { name: 'Import approval' }).click();
  await expect(operator.page.getByTestId('lock-state')).toHaveAttribute('data-unlocked', 'true');
  await expect(operator.page.getByTestId('requirement-business')).toContainText(`met by ${bizApprover.name}`);
  await expect(operator.page.getByTestId('request-state')).toHaveAttribute('data-state', 'approved');
  await shot(operator.page, '12-request-unlocked');
  await go(operator.page, 'Requests');
  await expect(operator.page.getByTestId(`request-row-${requestId}`)).toHaveAttribute('data-state', 'approved');
  await shot(operator.page, '13-request-list');
});

test('the audit trail shows who did what, filters by actor, and verifies intact', async () => {
  const { page } = operator;
  await go(page, 'Audit');
  await expect(page.getByTestId('audit-table')).toContainText('request.approved');
  await expect(page.locator('[data-action="request.approved"]')).toHaveCount(2);
  await page.getByTestId('audit-actor').selectOption({ label: operator.name });
  await expect(page.locator('[data-action="roster.changed"]').first()).toBeVisible();
  await page.getByTestId('audit-action').fill('request.created');
  await expect(page.locator('[data-action^="request."]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByTestId('verify-button').click();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('verify-result')).toContainText('Intact');
  await shot(page, '14-audit');
});

test("the operator's head is co-signed on Ivan's machine and kept: verify counts it", async () => {
  const { page } = operator;
  await go(page, 'Audit');
  const anchor = page.getByTestId('audit-anchor');
  await anchor.getByRole('button', { name: "Export this log's head" }).click();
  const head = await anchor.getByTestId('audit-anchor-export-token').inputValue();
  await go(itApprover.page, 'Audit');
  await itApprover.page.getByTestId('audit-cosign-box-text').fill(head);
  await itApprover.page.getByRole('button', { name: 'Co-sign', exact: true }).click();
  await expect(itApprover.page.getByTestId('audit-cosign-box-done')).toContainText(`Co-signed ${operator.name}'s audit log`);
  const back = await itApprover.page.getByTestId('audit-cosign-export-token').inputValue();
  await page.getByTestId('audit-keep-box-text').fill(back);
  await page.getByRole('button', { name: 'Keep', exact: true }).click();
  await expect(page.getByTestId('audit-keep-box-done')).toContainText(`co-signed by ${itApprover.name}`);
  await page.getByTestId('verify-button').click();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('verify-result')).toContainText('3 co-signed by approvers');
  await shot(page, '15-audit-cosigned-head');
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test, type Browser, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';

/**
 * The co-signing team of the approval specs: three DR Desk instances (three web hosts, three data directories,
 * three keys in the Secret Service) for an operator (also the roster's admin), an IT approver and a business
 * approver. The operator's host runs the sandbox; the approvers' hosts watch the same sandbox through its
 * topology file. Tokens travel between the instances only as a person would carry them.
 */
export const SHOTS = 'test-results/screenshots';

export interface Host {
  url: string;
  dataDir: string;
  topologyFile: string | null;
  stop(): Promise<void>;
}

/** `drdesk web --fast --data-dir <tmp> [...]`; resolves on its first stdout line (the URL JSON). */
export async function startHost(extraArgs: string[], tmpPrefix: string): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const child = spawn(process.execPath, ['bin/drdesk.mjs', 'web', '--fast', '--data-dir', dataDir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`drdesk web printed no URL within 60 s:\n${log}`)), 60_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`drdesk web exited (${code}) before printing its URL:\n${log}`)));
  });
  const info = JSON.parse(first) as { url: string; sandbox: { topologyFile: string } | null };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: info.url,
    dataDir,
    topologyFile: info.sandbox?.topologyFile ?? null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Desk {
  host: Host;
  page: Page;
  name: string;
  fingerprint: string;
  enrollment: string;
}

async function open(browser: Browser, host: Host, name: string, contextOptions: BrowserContextOptions): Promise<Desk> {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  return { host, page, name, fingerprint: '', enrollment: '' };
}

/** The three hosts and a browser page on each; `close()` stops whatever `start()` got to, even after a failure. */
export class CoSigningTeam {
  readonly hosts: Host[] = [];
  readonly desks: Desk[] = [];

  constructor(
    private readonly tmpPrefix: string,
    private readonly contextOptions: BrowserContextOptions = {},
  ) {}

  get operator(): Desk {
    return this.desks[0];
  }
  get itApprover(): Desk {
    return this.desks[1];
  }
  get bizApprover(): Desk {
    return this.desks[2];
  }

  async start(browser: Browser): Promise<void> {
    const first = await startHost([], this.tmpPrefix);
    this.hosts.push(first);
    if (!first.topologyFile) throw new Error('the operator host started without the sandbox');
    this.hosts.push(await startHost(['--topology', first.topologyFile], this.tmpPrefix), await startHost(['--topology', first.topologyFile], this.tmpPrefix));
    for (const [i, name] of ['Olivia Operator', 'Ivan IT', 'Beatriz Business'].entries()) this.desks.push(await open(browser, this.hosts[i], name, this.contextOptions));
  }

  async close(): Promise<void> {
    for (const d of this.desks) await d.page.context().close();
    await Promise.all(this.hosts.map((h) => h.stop()));
  }
}

/** A screenshot function writing `${SHOTS}/${prefix}-<name>.png` of the whole page. */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  // The content scrolls inside <main>, so the window is made as tall as it for the shot.
  return async (page, name) => {
    const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
    const height = await page.locator('main').evaluate((el: { scrollHeight: number }) => el.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(viewport.height, height), 8000) });
    await page.screenshot({ path: `${SHOTS}/${prefix}-${name}.png` });
    await page.setViewportSize(viewport);
  };
}

/** Pages are reached by their link in the navigation, as a person would. */
export async function go(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title, exact: true }).click();
}

/**
 * Creates `d`'s identity on the Identity page and keeps its fingerprint and enrollment token. Without an OS
 * keychain in this session the test is skipped (after telling `onNoKeychain`); any other refusal fails it.
 */
export async function createIdentity(d: Desk, onNoKeychain?: (reason: string) => void): Promise<void> {
  await go(d.page, 'Identity');
  const form = d.page.getByTestId('create-identity');
  await form.getByLabel('Your name, as colleagues know it').fill(d.name);
  await form.getByRole('button', { name: 'Create identity' }).click();
  const refusal = form.getByTestId('refusal');
  const created = d.page.getByTestId('my-fingerprint');
  await expect(created.or(refusal)).toBeVisible({ timeout: 20_000 });
  if (await refusal.isVisible()) {
    const text = (await refusal.textContent()) ?? '';
    if (text.includes('KEYCHAIN_UNAVAILABLE')) {
      const reason = `no OS keychain in this session (npm test runs e2e under dbus-run-session with gnome-keyring): ${text}`;
      onNoKeychain?.(reason);
      test.skip(true, reason);
    }
    throw new Error(`creating ${d.name}'s identity was refused: ${text}`);
  }
  d.fingerprint = (await created.textContent()) ?? '';
  d.enrollment = await d.page.getByTestId('enrollment-token').inputValue();
}

/**
 * On the admin's Roster page: `d` proposed from their enrollment token as `roles` in `group`; `beforeSign`
 * sees the filled form. Under the two-admin rule the version comes back pending (roster-pending).
 */
export async function addPerson(page: Page, d: Desk, group: string, beforeSign?: () => Promise<void>, roles: string[] = ['approver']): Promise<void> {
  const form = page.getByTestId('add-person');
  await form.getByTestId('add-person-token').fill(d.enrollment);
  await expect(form.getByTestId('enrollment-claim')).toContainText(d.fingerprint);
  for (const r of ['viewer', 'operator', 'approver', 'admin']) await form.getByLabel(r, { exact: true }).setChecked(roles.includes(r));
  await form.getByTestId('add-person-group').fill(group);
  await beforeSign?.();
  await form.getByRole('button', { name: 'Sign and add' }).click();
  await expect(page.getByTestId('roster-pending').or(page.getByTestId(`roster-person-${d.name}`))).toBeVisible();
}

/** On `d`'s Roster page: the roster token imported and its admin trusted; `beforeTrust` sees the trust prompt. */
export async function importRoster(d: Desk, rosterToken: string, beforeTrust?: (prompt: Locator) => Promise<void>): Promise<void> {
  const { page } = d;
  await go(page, 'Roster');
  await page.getByTestId('roster-import-box-text').fill(rosterToken);
  await page.getByRole('button', { name: 'Import roster' }).click();
  const prompt = page.getByTestId('trust-prompt');
  await beforeTrust?.(prompt);
  await prompt.getByRole('button', { name: /It matches/ }).click();
}

/** On the admin's Roster page after a change that needs a second admin: the token of the pending version. */
export async function pendingToken(page: Page): Promise<string> {
  const pending = page.getByTestId('roster-pending');
  await expect(pending).toBeVisible();
  return pending.getByTestId('roster-pending-export-token').inputValue();
}

/**
 * `second` reads and co-signs `token` on their Roster page, and the co-signed token comes back. `joining`:
 * `second` has no roster yet and joins as admin from the setup page, comparing `joining`'s fingerprint.
 */
export async function cosignOn(second: Desk, token: string, joining: Desk | null, beforeSign?: (review: Locator) => Promise<void>): Promise<string> {
  const { page } = second;
  await go(page, 'Roster');
  const id = joining ? 'roster-join' : 'roster-cosign';
  const box = page.getByTestId(id);
  await box.getByTestId(`${id}-box-text`).fill(token);
  await box.getByRole('button', { name: 'Read the change' }).click();
  const review = box.getByTestId(`${id}-review`);
  await expect(review).toBeVisible();
  await beforeSign?.(review);
  await review.getByRole('button', { name: /Co-sign version/ }).click();
  if (joining) {
    const prompt = box.getByTestId('trust-prompt');
    await expect(prompt).toContainText(joining.fingerprint);
    await prompt.getByRole('button', { name: /It matches/ }).click();
  }
  const back = await box.getByTestId(`${id}-export-token`).inputValue();
  if (joining) await box.getByRole('button', { name: 'Done: show the roster' }).click();
  return back;
}

/** On `d`'s Roster page: a co-signed version applied (the proposer closing the loop). */
export async function applyRosterUpdate(d: Desk, token: string, version: number): Promise<void> {
  await go(d.page, 'Roster');
  await d.page.getByTestId('roster-update-box-text').fill(token);
  await d.page.getByRole('button', { name: 'Apply update' }).click();
  await expect(d.page.getByTestId('roster-version')).toContainText(`Version ${version}`);
}

/** On the operator's (admin's) Roster page: `roles` signed for `d`, which may come back pending. */
export async function signRoles(page: Page, d: Desk, roles: string[]): Promise<void> {
  const row = page.getByTestId(`roster-person-${d.name}`);
  await row.getByRole('button', { name: 'Roles…' }).click();
  const editor = row.getByTestId(`roles-editor-${d.name}`);
  for (const r of ['viewer', 'operator', 'approver', 'admin']) await editor.getByLabel(r, { exact: true }).setChecked(roles.includes(r));
  await editor.getByRole('button', { name: 'Sign roles' }).click();
}

/**
 * The roster under the two-admin rule, as the approvals specs build it: the operator starts it (admin only);
 * Ivan joins as second admin and IT approver (v2, co-signed by him); both add Bea (v3) and make the operator
 * an operator (v4). Returns the roster token for Bea.
 */
export async function twoAdminRoster({ operator, itApprover, bizApprover }: CoSigningTeam, shot?: (page: Page, name: string) => Promise<void>): Promise<string> {
  const { page } = operator;
  await go(page, 'Roster');
  await page.getByRole('button', { name: 'Start a roster as its admin' }).click();
  await expect(page.getByTestId(`roster-person-${operator.name}`)).toContainText('admin');
  await addPerson(page, itApprover, 'IT', undefined, ['approver', 'admin']);
  await applyRosterUpdate(operator, await cosignOn(itApprover, await pendingToken(page), operator), 2);
  await addPerson(page, bizApprover, 'business', shot ? () => shot(page, '02-roster-add-person') : undefined);
  const bea = await pendingToken(page);
  if (shot) await shot(page, '02b-roster-pending');
  await applyRosterUpdate(operator, await cosignOn(itApprover, bea, null, shot ? () => shot(itApprover.page, '02c-roster-cosign') : undefined), 3);
  await signRoles(page, operator, ['operator', 'admin']);
  await applyRosterUpdate(operator, await cosignOn(itApprover, await pendingToken(page), null), 4);
  await go(page, 'Roster');
  await page.getByRole('button', { name: /Export roster v4/ }).click();
  return page.getByTestId('roster-export-token').inputValue();
}

/** The quick path: all three identities, the two-admin roster with both approvers (IT, business), imported by Bea. */
export async function setUpIdentitiesAndRoster(team: CoSigningTeam): Promise<void> {
  for (const d of [team.operator, team.itApprover, team.bizApprover]) await createIdentity(d);
  const rosterToken = await twoAdminRoster(team);
  await importRoster(team.bizApprover, rosterToken);
  await expect(team.bizApprover.page.getByTestId('roster-version')).toContainText('Version 4');
}

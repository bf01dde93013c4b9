import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import { MongoClient, type Db } from 'mongodb';
import { sshdSkipReason, startSshd, type SshdHandle } from '../helpers/sshd';
import { startWebHost, type WebHostRun } from './web-host';

/**
 * Issue 4's Playwright acceptance: the Backups page against the real web host, the sandbox and a real
 * OpenSSH landing on 127.0.0.1 (and, first, on the plain sandbox, whose slices land in a local directory). A baseline and increments are taken through the page; the running cycle's
 * progress is caught while it runs (the DC members answer slowly, a sandbox fault, so the copy takes a few
 * seconds); one landed archive gets a flipped byte and the page shows why that slice was refused; DC's
 * oplog rolls past the chain and the page asks for a new baseline.
 */
const SHOTS = 'test-results/screenshots';
const DOCS = 40_000;
const BATCH = 2_000;
const OPLOG_MB = 8;


interface Child {
  first: Record<string, unknown>;
  stop(): Promise<void>;
  log(): string;
}

/** `drdesk <args>` as a child process; resolves with the JSON object it prints as its first line. */
async function startDrdesk(args: string[]): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['bin/drdesk.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`drdesk ${args[0]} printed nothing within 60 s:\n${log}`)), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    lines.on('line', (line) => (log += `${line}\n`));
    child.once('exit', (code) => reject(new Error(`drdesk ${args[0]} exited (${code}) before printing its first line:\n${log}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    first: JSON.parse(first) as Record<string, unknown>,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

interface SandboxInfo {
  topologyFile: string;
  control: string;
  sites: Array<{ name: string; members: Array<{ name: string; host: string; role: string }> }>;
}

let sshd: SshdHandle;
let sandbox: Child;
let web: Child;
let sb: SandboxInfo;
let dc: MongoClient;
let page: Page;
const dirs: string[] = [];
const keyName = `e2e-landing-key-${process.pid}`;
let dataDir = '';

/** Test documents: numbered in bulk, named where a test looks for one. */
interface Doc {
  _id: number | string;
  [field: string]: unknown;
}

function orders(db: Db) {
  return db.collection<Doc>('orders');
}

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function fault(req: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sb.control}/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
  if (!res.ok) throw new Error(`fault ${JSON.stringify(req)}: HTTP ${res.status} ${await res.text()}`);
}

function drdesk(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['bin/drdesk.mjs', ...args], { input, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The landed manifest of slice `seq` (the newest chain's), to find its archive in the landing directory. */
function landedArchive(seq: number): string {
  const manifests = readdirSync(sshd.landingDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(sshd.landingDir, f), 'utf8')) as { seq: number; archive: string; createdAt: string })
    .filter((m) => m.seq === seq)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const m = manifests.at(-1);
  if (!m) throw new Error(`no manifest of slice #${seq} in ${sshd.landingDir}: ${readdirSync(sshd.landingDir).join(', ')}`);
  return join(sshd.landingDir, m.archive);
}

test.describe('on the built-in sandbox', () => {
  let host: WebHostRun;
  let plain: Page;

  test.beforeAll(async ({ browser }) => {
    host = await startWebHost();
    plain = await browser.newPage();
    await plain.goto(`${host.url}#/backups`);
  });

  test.afterAll(async () => {
    await plain?.close();
    await host?.stop();
  });

  test('slices land in a local directory of the data directory: the page says so, and a baseline is applied', async () => {
    await expect(plain.getByTestId('landing')).toContainText(`local directory ${host.dataDir}`, { timeout: 30_000 });
    await expect(plain.getByTestId('backup-status')).toContainText('on this machine (sandbox)');
    await plain.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click();
    await expect(plain.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
    await expect(plain.getByTestId('action-outcome')).toContainText(/Baseline #\d+ finished/);
    await plain.screenshot({ path: `${SHOTS}/backups-sandbox-local.png` });
  });
});

test.describe('over a real sshd landing', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(sshdSkipReason !== null, `a real sshd landing is needed: ${sshdSkipReason}`);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(240_000);
    sshd = await startSshd();
    // A small oplog (8 MB) so the last test can roll it past the chain with a few megabytes of writes.
    sandbox = await startDrdesk(['sandbox', '--fast', '--oplog-mb', String(OPLOG_MB), '--dir', tmp('drdesk-e2e-sb-')]);
    sb = sandbox.first as unknown as SandboxInfo;
    const topology = JSON.parse(readFileSync(sb.topologyFile, 'utf8')) as { sites: Array<{ name: string; ssh: unknown[] }> };
    for (const site of topology.sites)
      if (site.name === 'DR') site.ssh = [{ name: 'dr-landing', host: sshd.host, port: sshd.port, username: sshd.user, hostKeySha256: sshd.hostKeyFingerprint(), keySecret: keyName, backupDir: sshd.landingDir }];
    dataDir = tmp('drdesk-e2e-backups-');
    const topologyFile = join(dataDir, 'topology.json');
    writeFileSync(topologyFile, JSON.stringify(topology, null, 2));

    const set = drdesk(['secret', 'set', keyName, '--kind', 'ssh-key', '--data-dir', dataDir], sshd.privateKey);
    test.skip(set.out.includes('KEYCHAIN_UNAVAILABLE'), `no OS keychain in this session (run under dbus-run-session with gnome-keyring): ${set.out}`);
    expect(set.status, set.out).toBe(0);

    const primary = sb.sites[0].members.find((m) => m.role === 'primary')!;
    dc = new MongoClient(`mongodb://${primary.host}/?directConnection=true`);
    await dc.connect();
      const note = 'x'.repeat(400);
    for (let i = 0; i < DOCS; i += BATCH)
      await orders(dc.db('shop')).insertMany(Array.from({ length: BATCH }, (_, j) => ({ _id: i + j, customer: `c${(i + j) % 977}`, total: (i + j) % 1000, note })));

    web = await startDrdesk(['web', '--topology', topologyFile, '--data-dir', dataDir]);
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    await page.goto(`${String(web.first.url)}#/backups`);
  });

  test.afterAll(async () => {
    await page?.context().close();
    await web?.stop();
    await dc?.close();
    if (dataDir) drdesk(['secret', 'delete', keyName, '--data-dir', dataDir]);
    await sandbox?.stop();
    await sshd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('a topology whose DR site has no SSH host: the page says what to add, and nothing can be started', async ({ browser }) => {
    const plainDir = tmp('drdesk-e2e-noroute-');
    const other = await startDrdesk(['web', '--topology', sb.topologyFile, '--data-dir', plainDir]);
    const p = await browser.newPage();
    try {
      await p.goto(`${String(other.first.url)}#/backups`);
      await expect(p.getByTestId('backup-not-configured')).toContainText('has no SSH host for backup slices', { timeout: 30_000 });
      await expect(p.getByRole('button', { name: 'Run now' })).toBeDisabled();
      await expect(p.getByRole('button', { name: 'Start baseline' })).toBeDisabled();
      await expect(p.getByTestId('action-why')).toContainText('not configured');
      await p.screenshot({ path: `${SHOTS}/backups-not-configured.png` });
    } finally {
      await p.close();
      await other.stop();
    }
  });

  test('before any baseline, the page says so and offers to start one', async () => {
    await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('no-baseline')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Run now' })).toBeDisabled();
    await expect(page.getByTestId('action-why')).toContainText('no baseline yet');
    await expect(page.getByTestId('landing')).toHaveText(`${sshd.user}@${sshd.host}:${sshd.port} ${sshd.landingDir}`);
    await page.screenshot({ path: `${SHOTS}/backups-empty.png` });
  });

  test('a baseline shows its progress while it runs, then the applied slice in the timeline', async () => {
    // DC answers every request 150 ms late: the copy of 40,000 documents takes seconds instead of a moment.
    await fault({ action: 'slow', target: 'DC', ms: 150 });
    await page.getByTestId('no-baseline').getByRole('button', { name: 'Start baseline' }).click();
    const progress = page.getByTestId('backup-progress');
    await expect(progress).toBeVisible({ timeout: 15_000 });
    await expect(progress).toHaveAttribute('data-kind', 'baseline');
    const docs = progress.getByTestId('progress-documents').getByRole('progressbar');
    await expect(docs).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/, { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Run now' })).toBeDisabled();
    await expect(page.getByTestId('action-why')).toContainText('baseline is running');
    await expect(progress.getByTestId('progress-eta')).toBeVisible({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/backups-running.png` });
    await fault({ action: 'slow', target: 'DC', ms: 0 });

    await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
    await expect(progress).toBeHidden();
    await expect(page.getByTestId('action-outcome')).toContainText(/Baseline #\d+ finished/);
    await expect(page.getByTestId('chain-timeline')).toHaveAttribute('data-chain-state', 'active');
    await expect(page.getByTestId('no-baseline')).toBeHidden();
  });

  test('"Run now" captures, ships and applies an increment, its progress shown while it runs', async () => {
    await orders(dc.db('shop')).insertMany(Array.from({ length: 5_000 }, (_, i) => ({ _id: `inc-${i}`, total: i })));
    // DR answers 600 ms late: applying 5,000 entries in batches of 1,000 takes a few seconds.
    await fault({ action: 'slow', target: 'DR', ms: 600 });
    await page.getByRole('button', { name: 'Run now' }).click();
    const progress = page.getByTestId('backup-progress');
    await expect(progress).toHaveAttribute('data-kind', 'cycle', { timeout: 15_000 });
    await expect(progress).toHaveAttribute('data-phase', 'apply', { timeout: 60_000 });
    await expect(progress.getByTestId('progress-entries').getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/, { timeout: 30_000 });
    await expect(progress).toContainText('slice #1');
    await page.screenshot({ path: `${SHOTS}/backups-cycle-running.png` });
    await fault({ action: 'slow', target: 'DR', ms: 0 });

    await expect(page.getByTestId('slice-1')).toHaveAttribute('data-state', 'applied', { timeout: 60_000 });
    await expect(page.getByTestId('action-outcome')).toContainText(/Cycle #\d+ finished/);
    await page.getByTestId('slice-1').click();
    const details = page.getByTestId('slice-details');
    await expect(details).toContainText('matches #0');
    await expect(details.locator('[data-field="Entries"]')).toHaveText('5,000');
    const sha = details.locator('[data-field="Archive sha256"]');
    const full = await sha.locator('code').getAttribute('title');
    expect(full).toMatch(/^[0-9a-f]{64}$/);
    await expect(sha.locator('code')).toHaveText(`${full!.slice(0, 8)}…${full!.slice(-4)}`);
    await sha.getByRole('button', { name: 'Copy archive sha256' }).click();
    await expect(sha).toContainText('copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(full);
    await page.screenshot({ path: `${SHOTS}/backups-chain.png` });
    await details.getByRole('button', { name: 'Close slice details' }).click();
  });

  test('a landed archive with a flipped byte is refused, with its reason on the page, then shipped again', async () => {
    // DR refuses clients: the cycle ships slice #2 but cannot apply it, so it waits on DR, verified.
    await fault({ action: 'partition', target: 'DR', from: 'clients' });
    await orders(dc.db('shop')).insertOne({ _id: 'flip-me', total: 3 });
    await page.getByRole('button', { name: 'Run now' }).click();
    await expect(page.getByTestId('action-outcome')).toHaveAttribute('data-tone', 'error', { timeout: 90_000 });
    await expect(page.getByTestId('action-outcome')).toContainText('MONGO_UNREACHABLE');
    await expect(page.getByTestId('slice-2')).toHaveAttribute('data-state', 'verified');
    await fault({ action: 'heal', target: 'DR' });

    const archive = landedArchive(2);
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(archive, bytes);

    await page.getByRole('button', { name: 'Run now' }).click();
    await expect(page.getByTestId('slice-2')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    const problem = page.getByTestId('slice-problem-2');
    await expect(problem).toContainText('CHECKSUM_MISMATCH');
    await expect(problem).toContainText('sha256');
    await expect(page.getByTestId('slice-2')).toContainText('CHECKSUM_MISMATCH');
    await expect(page.getByTestId('action-outcome')).toContainText('CHECKSUM_MISMATCH');
    await expect(page.getByTestId('backup-status')).toHaveAttribute('data-level', 'red');
    await page.screenshot({ path: `${SHOTS}/backups-failed-slice.png` });
    await page.getByTestId('slice-2').click();
    await expect(page.getByTestId('slice-details-problem')).toContainText('CHECKSUM_MISMATCH');
    await page.getByTestId('slice-details').screenshot({ path: `${SHOTS}/backups-slice-details.png` });
    await page.getByTestId('cycle-history').screenshot({ path: `${SHOTS}/backups-cycles.png` });

    await page.getByRole('button', { name: 'Run now' }).click();
    await expect(page.getByTestId('slice-2')).toHaveAttribute('data-state', 'applied', { timeout: 60_000 });
    await expect(page.getByTestId('slice-2')).toContainText('recovered from CHECKSUM_MISMATCH');
    await expect(page.getByTestId('slice-details')).toContainText('2 attempts');
    const dr = sb.sites[1].members.find((m) => m.role === 'primary')!;
    const drClient = new MongoClient(`mongodb://${dr.host}/?directConnection=true`);
    try {
      await drClient.connect();
      expect(await orders(drClient.db('shop')).findOne({ _id: 'flip-me' })).toMatchObject({ total: 3 });
    } finally {
      await drClient.close();
    }
  });

  test('the schedule: the interval is edited, never below one minute', async () => {
    const card = page.getByTestId('backup-schedule');
    const input = card.getByLabel('Interval (minutes)');
    await input.fill('0');
    await expect(card.getByRole('button', { name: 'Save' })).toBeDisabled();
    await expect(card).toContainText('Whole minutes from 1 to 1440');
    await input.fill('45');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByTestId('schedule-outcome')).toContainText('Interval set to 45 min');
    await expect(card.locator('[data-field="Interval"]')).toContainText('every 45 min');
    await expect(card.locator('[data-field="Interval"]')).toContainText('set in the app');
    await expect(card.locator('[data-field="Last run"]')).toContainText('ok');
  });

  test('DC\'s oplog rolls past the chain: "chain broken — a new baseline is needed", and the baseline it offers', async () => {
    // One and a half times the oplog in 60 KB documents: the position the chain captured last is gone.
    const big = 'y'.repeat(60_000);
    const filler = dc.db('shop').collection<Doc>('filler');
    const count = Math.ceil((OPLOG_MB * 1.5 * 1024 * 1024) / big.length);
    for (let i = 0; i < count; i += 20) await filler.insertMany(Array.from({ length: Math.min(20, count - i) }, (_, j) => ({ _id: i + j, big })));
    await page.getByRole('button', { name: 'Run now' }).click();
    const banner = page.getByTestId('chain-broken');
    await expect(banner).toBeVisible({ timeout: 60_000 });
    await expect(banner).toContainText('Chain broken — a new baseline is needed');
    await expect(banner).toContainText('OPLOG_ROLLED');
    await expect(page.getByTestId('chain-gap')).toContainText('OPLOG_ROLLED');
    await expect(page.getByRole('button', { name: 'Run now' })).toBeDisabled();
    await expect(page.getByTestId('action-why')).toContainText('chain is broken');
    await page.screenshot({ path: `${SHOTS}/backups-chain-broken.png` });

    await banner.getByRole('button', { name: 'Start baseline' }).click();
    await expect(page.getByTestId('chain-timeline')).toHaveAttribute('data-chain-state', 'active', { timeout: 120_000 });
    await expect(page.getByTestId('slice-0')).toHaveAttribute('data-state', 'applied');
    await expect(banner).toBeHidden();
    await page.screenshot({ path: `${SHOTS}/backups-new-chain.png` });
  });
});

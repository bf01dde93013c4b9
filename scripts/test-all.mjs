#!/usr/bin/env node
// `npm test`: every check and test, in the order that fails fastest. Integration and e2e tests run inside a
// private D-Bus session with an unlocked gnome-keyring, so the keychain tests use a real Secret Service.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steps = [
  ['typecheck', 'npm run -s typecheck'],
  ['lint', 'npx eslint .'],
  ['build', 'npx electron-vite build'],
  ['unit + integration', 'npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json'],
  ['e2e', 'npx playwright test'],
];

// Both runners also write JSON results, so the run ends with one line that counts every test.
const VITEST_JSON = 'test-results/vitest.json';
const PLAYWRIGHT_JSON = 'test-results/playwright.json';
mkdirSync('test-results', { recursive: true });
for (const f of [VITEST_JSON, PLAYWRIGHT_JSON]) rmSync(f, { force: true });

function counts() {
  const c = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(VITEST_JSON)) {
    const v = JSON.parse(readFileSync(VITEST_JSON, 'utf8'));
    c.passed += v.numPassedTests;
    c.failed += v.numFailedTests;
    c.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  }
  if (existsSync(PLAYWRIGHT_JSON)) {
    const s = JSON.parse(readFileSync(PLAYWRIGHT_JSON, 'utf8')).stats;
    c.passed += s.expected + s.flaky;
    c.failed += s.unexpected;
    c.skipped += s.skipped;
  }
  return c;
}

const keyring = existsSync('/usr/bin/dbus-run-session') && existsSync('/usr/bin/gnome-keyring-daemon');
if (!keyring) console.log('test-all: no dbus-run-session/gnome-keyring — keychain tests will report themselves skipped');

// A keyring of our own for this run: an existing login keyring (locked with someone's password) would make
// gnome-keyring refuse to unlock, and the tests must never touch a person's real keychain.
const keyringHome = keyring ? mkdtempSync(join(tmpdir(), 'drdesk-keyring-')) : '';

let failed = 0;
for (const [name, cmd] of steps) {
  console.log(`\n=== ${name}: ${cmd}`);
  const inner = keyring && /vitest|playwright/.test(cmd)
    ? `dbus-run-session -- sh -c 'echo -n drdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ${cmd}'`
    : cmd;
  const r = spawnSync('sh', ['-c', inner], { stdio: 'inherit', env: { ...process.env, ...(keyring ? { XDG_DATA_HOME: keyringHome } : {}), DRDESK_KEYRING_SESSION: keyring ? '1' : '' } });
  if (r.status !== 0) {
    console.log(`=== ${name} FAILED (exit ${r.status})`);
    failed++;
    if (name === 'typecheck' || name === 'build') break;
  }
}
const c = counts();
console.log(`\ntests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${failed ? ` (${failed} step(s) failed)` : ''}`);
process.exit(failed ? 1 : 0);

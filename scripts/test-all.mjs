#!/usr/bin/env node
// `npm test`: every check and test, in the order that fails fastest. Integration and e2e tests run inside a
// private D-Bus session with an unlocked gnome-keyring, so the keychain tests use a real Secret Service.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steps = [
  ['typecheck', 'npm run -s typecheck'],
  ['lint', 'npx eslint .'],
  ['build', 'npx electron-vite build'],
  ['unit + integration', 'npx vitest run'],
  ['e2e', 'npx playwright test'],
];

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
process.exit(failed ? 1 : 0);

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyringSecretStore, probeKeychain, SECRET_INDEX_FILE } from '../../../src/main/store/keyring-secret-store';
import { drdesk, drdeskServer } from '../cli/cli-process';
import { connectDesk } from '../web/rpc-client';

/**
 * Against a real Secret Service (npm test runs this under dbus-run-session with an unlocked gnome-keyring):
 * a canary secret set through the CLI and one set through DeskApi live in the keychain, and appear nowhere
 * in the data directory, the SQLite files or the logs.
 */
const keychain = await probeKeychain();
if (!keychain.ok) process.stderr.write(`secret-canary: skipped — ${keychain.reason}; run under dbus-run-session with an unlocked gnome-keyring (npm test does)\n`);
const dataDir = mkdtempSync(join(tmpdir(), 'drdesk-canary-'));
const suffix = randomBytes(6).toString('hex');
const cliName = `canary-cli-${suffix}`;
const apiName = `canary-api-${suffix}`;
const cliValue = `CANARY-cli-${randomBytes(12).toString('hex')}`;
const apiValue = `CANARY-api-${randomBytes(12).toString('hex')}`;
const logs: string[] = [];
const store = new KeyringSecretStore(dataDir);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe.skipIf(!keychain.ok)('secrets in the OS keychain (Secret Service)', () => {
  afterAll(async () => {
    if (keychain.ok) for (const n of [cliName, apiName]) await store.delete(n).catch(() => undefined);
  });

  it('drdesk secret set reads the value from stdin and stores it in the keychain', async () => {
    const r = await drdesk(['secret', 'set', cliName, '--data-dir', dataDir], { input: `${cliValue}\n` });
    logs.push(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Stored ${cliName} \\(password\\) in Secret Service`));
    expect(await store.get(cliName)).toBe(cliValue);
    const refused = await drdesk(['secret', 'set', cliName, 'value-on-the-command-line', '--data-dir', dataDir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('never given on the command line');
  });

  it('DeskApi setSecret over the web host stores it and never returns it', async () => {
    const web = await drdeskServer<{ url: string }>(['web', '--fast', '--data-dir', dataDir]);
    try {
      const { api, close } = await connectDesk(web.first.url);
      const info = await api.setSecret({ name: apiName, kind: 'ssh-key', value: apiValue });
      expect(info).toEqual({ name: apiName, kind: 'ssh-key', setAt: expect.any(String) });
      const list = await api.listSecrets();
      expect(list.map((s) => s.name).sort()).toEqual([apiName, cliName].sort());
      expect(JSON.stringify(list)).not.toContain('CANARY');
      await new Promise((r) => setTimeout(r, 1500));
      close();
    } finally {
      expect(await web.stop()).toBe(0);
      logs.push(web.output.stdout, web.output.stderr);
    }
    expect(await store.get(apiName)).toBe(apiValue);
  });

  it('drdesk secret list shows names and kinds only', async () => {
    const r = await drdesk(['secret', 'list', '--json', '--data-dir', dataDir]);
    logs.push(r.stdout, r.stderr);
    expect(JSON.parse(r.stdout).map((s: { name: string }) => s.name).sort()).toEqual([apiName, cliName].sort());
  });

  it('the canaries appear in no file of the data directory (settings, index, SQLite + WAL) and no log', () => {
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir.length + 1))).toEqual(expect.arrayContaining([SECRET_INDEX_FILE, 'desk.sqlite']));
    const needles = [cliValue, apiValue].flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from(v, 'utf16le'), Buffer.from(Buffer.from(v).toString('base64'))]);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${f} holds a canary`).toBe(false);
    }
    const allLogs = logs.join('\n');
    expect(allLogs).not.toContain(cliValue);
    expect(allLogs).not.toContain(apiValue);
    expect(allLogs).toContain(cliName);
  });

  it('drdesk secret delete removes it from the keychain and the index', async () => {
    const r = await drdesk(['secret', 'delete', cliName, '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(await store.get(cliName)).toBeNull();
    expect((await store.list()).map((s) => s.name)).toEqual([apiName]);
  });
});

if (!keychain.ok)
  describe('secrets in the OS keychain', () => {
    it.skip(`skipped: ${keychain.reason} — run under dbus-run-session with an unlocked gnome-keyring (npm test does)`, () => undefined);
  });

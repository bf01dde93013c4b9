import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupRoutes } from '../../../src/main/backup/routes';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema } from '../../../src/shared/topology';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = (name: string, role: 'dc' | 'dr', port: number) => ({
  name,
  role,
  replicaSets: [{ name: `rs-${name.toLowerCase()}`, members: [{ name: `${name.toLowerCase()}-1`, host: '127.0.0.1', port, role: 'primary' as const }] }],
});
const topology = topologySchema.parse({ sites: [site('DC', 'dc', 1), site('DR', 'dr', 2)] });

describe('backup routes', () => {
  it('lands locally only on the sandbox; a real topology still needs an SSH host', async () => {
    const real = new BackupRoutes({ topology, secrets: new MemorySecretStore(), db: new Database(':memory:'), dataDir: join(dir, 'real') });
    expect(real.forward.configError?.code).toBe('BACKUP_NO_LANDING');
    expect(real.forward.status().reasons[0].message).toMatch(/Site DR has no SSH host for backup slices/);
    const sandbox = new BackupRoutes({ topology, secrets: new MemorySecretStore(), db: new Database(':memory:'), dataDir: join(dir, 'sb'), sandboxLandingRoot: join(dir, 'sb', 'landing') });
    expect(sandbox.forward.configError).toBeNull();
    expect(sandbox.forward.status().landing).toMatchObject({ kind: 'local', label: `local landing (sandbox): ${join(dir, 'sb', 'landing', 'DR')}` });
    // The route back lands in DC's local directory, with its own database under DATA_DIR/failback.
    expect(sandbox.route('DR', 'DC').status().landing).toMatchObject({ kind: 'local', dir: join(dir, 'sb', 'landing', 'DC') });
    expect(existsSync(join(dir, 'sb', 'failback', 'failback.sqlite'))).toBe(true);
    expect(() => sandbox.route('DC', 'XX')).toThrow(/runs DC → DR \(and back for failback\), not DC → XX/);
    await Promise.all([real.close(), sandbox.close()]);
  });

  it('retires the chains, activation and landed files of an earlier sandbox run', async () => {
    const db = new Database(join(dir, 'restart.sqlite'));
    const landingRoot = join(dir, 'restart', 'landing');
    const open = (instance: string) => new BackupRoutes({ topology, secrets: new MemorySecretStore(), db, dataDir: join(dir, 'restart'), sandboxLandingRoot: landingRoot, sandboxInstance: instance });
    const first = open('http://127.0.0.1:4001 /tmp/a/topology.json');
    first.forward.store.createChain('c1', 'rs-dc');
    first.forward.store.setSetting('activation', JSON.stringify({ at: '2026-01-01T00:00:00Z', label: 'x', chainId: 'c1', sourceTs: '1:1', targetTs: '2:1' }));
    mkdirSync(join(landingRoot, 'DR'), { recursive: true });
    writeFileSync(join(landingRoot, 'DR', 'c1-000000.bson.gz'), 'old');
    expect(open('http://127.0.0.1:4001 /tmp/a/topology.json').forward.activation()).not.toBeNull();

    const second = open('http://127.0.0.1:4999 /tmp/b/topology.json');
    expect(second.forward.store.currentChain()).toBeNull();
    expect(second.forward.activation()).toBeNull();
    expect(second.forward.schedule().enabled).toBe(true);
    expect(existsSync(landingRoot)).toBe(false);
    await Promise.all([first.close(), second.close()]);
    db.close();
  });
});

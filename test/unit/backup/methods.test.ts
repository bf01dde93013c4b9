import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupMethods } from '../../../src/main/backup/methods';
import { BackupService } from '../../../src/main/backup/service';
import { RpcRouter } from '../../../src/main/rpc/router';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema, type TopologyInput } from '../../../src/shared/topology';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-desk-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = (name: string, role: 'dc' | 'dr', port: number, ssh: TopologyInput['sites'][number]['ssh'] = []) => ({
  name,
  role,
  replicaSets: [{ name: `rs-${name.toLowerCase()}`, members: [{ name: `${name.toLowerCase()}-1`, host: '127.0.0.1', port, role: 'primary' as const }] }],
  ssh,
});

function router(input: TopologyInput) {
  const service = new BackupService({ topology: topologySchema.parse(input), secrets: new MemorySecretStore(), db: new Database(':memory:'), dataDir: dir });
  const r = new RpcRouter();
  r.register(backupMethods(service));
  return { r, service };
}

describe('backup DeskApi handlers', () => {
  it('registers every BackupMethods method', () => {
    const { r } = router({ sites: [site('DC', 'dc', 1), site('DR', 'dr', 2)] });
    expect(r.names()).toEqual(['getBackupControl', 'getBackupHistory', 'getBackupStatus', 'getRpoHistory', 'runBackupNow', 'setBackupMode', 'setBackupSchedule', 'startBaseline', 'takeOverBackups', 'trustSshHostKey', 'verifyChain']);
  });

  it('says what is missing when the topology has no DR landing host, without breaking the app', async () => {
    const { r } = router({ sites: [site('DC', 'dc', 1), site('DR', 'dr', 2)] });
    const st = (await r.call('getBackupStatus', undefined)) as { level: string; reasons: Array<{ message: string }> };
    expect(st.level).toBe('unknown');
    expect(st.reasons[0].message).toMatch(/has no SSH host for backup slices/);
    await expect(r.call('runBackupNow', {})).rejects.toMatchObject({ code: 'BACKUP_NO_LANDING' });
  });

  it('validates inputs with zod and names the field', async () => {
    const { r, service } = router({ sites: [site('DC', 'dc', 1), site('DR', 'dr', 2, [{ name: 'l', host: '127.0.0.1', username: 'u', passwordSecret: 'p' }])] });
    await expect(r.call('setBackupSchedule', { intervalMinutes: 0.5 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/input\.intervalMinutes: the backup interval is at least 1 minute/) });
    await expect(r.call('setBackupSchedule', {})).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(r.call('trustSshHostKey', { hostPort: 'h:22', fingerprint: 'MD5:aa' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(r.call('getRpoHistory', { range: '2h' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(r.call('runBackupNow', { wait: 'yes' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await r.call('setBackupSchedule', { intervalMinutes: 5, enabled: false })).toMatchObject({ intervalMinutes: 5, enabled: false, source: 'override', nextRunAt: null });
    expect(service.schedule().deadlineSeconds).toBe(300);
    expect(await r.call('getRpoHistory', { range: '1h' })).toEqual({ targetSeconds: 90, points: [] });
    const st = (await r.call('getBackupStatus', null)) as { level: string; needsBaseline: boolean; reasons: Array<{ code: string }>; landing: { fingerprint: null } };
    expect(st).toMatchObject({ level: 'red', needsBaseline: true, landing: { fingerprint: null } });
    expect(st.reasons[0].code).toBe('BACKUP_CHAIN_BROKEN');
    const fp = `SHA256:${'A'.repeat(43)}`;
    expect(await r.call('trustSshHostKey', { hostPort: '127.0.0.1:22', fingerprint: fp })).toMatchObject({ hostPort: '127.0.0.1:22', fingerprint: fp });
    expect(((await r.call('getBackupStatus', undefined)) as { landing: { fingerprint: string } }).landing.fingerprint).toBe(fp);
    expect(await r.call('getBackupHistory', undefined)).toEqual([]);
  });
});

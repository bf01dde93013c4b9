import { describe, expect, it } from 'vitest';
import { migrateSecrets } from '../../../src/main/store/migrate-secrets';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { forPurpose } from '../../../src/main/store/secret-store';

describe('moving the desktop app’s secrets into the shared keychain', () => {
  it('moves what is missing, keeps the keychain value on conflict without deleting the old copy, moves reserved records too', async () => {
    const from = new MemorySecretStore();
    const to = new MemorySecretStore();
    await from.set('dc-db', 'pw1', 'password');
    await from.set('dr-ssh', 'pw2', 'password');
    await from.set('same', 'v', 'password');
    await from.set('identity.00ff', 'KEY', 'other');
    await to.set('dr-ssh', 'cli-value', 'password');
    await to.set('same', 'v', 'password');
    const entries = [...(await from.list()), { name: 'identity.00ff', kind: 'other' as const, setAt: '' }];
    const r = await migrateSecrets(from, to, entries);
    expect(r.moved.sort()).toEqual(['dc-db', 'identity.00ff']);
    expect(r.same).toEqual(['same']);
    expect(r.conflicts).toEqual(['dr-ssh']);
    expect(r.failed).toEqual([]);
    expect(await to.get('dc-db')).toBe('pw1');
    expect(await to.get('dr-ssh')).toBe('cli-value');
    expect(await to.get('identity.00ff')).toBe('KEY');
    expect(await from.get('dr-ssh')).toBe('pw2');
    expect(await from.get('dc-db')).toBeNull();
    expect(await from.get('identity.00ff')).toBeNull();
  });
});

describe('typed secret access', () => {
  it('operator purposes refuse reserved names; identity and system purposes accept only their own prefix', async () => {
    const s = new MemorySecretStore();
    await s.set('identity.abcd', 'K', 'other');
    await expect(forPurpose(s, 'ssh-password').get('identity.abcd')).rejects.toMatchObject({ code: 'SECRET_NAME_RESERVED' });
    await expect(forPurpose(s, 'db-password').set('drdesk.audit-hwm.x', 'v')).rejects.toMatchObject({ code: 'SECRET_NAME_RESERVED' });
    await expect(forPurpose(s, 'identity').get('dc-db')).rejects.toMatchObject({ code: 'SECRET_PURPOSE_MISMATCH' });
    expect(await forPurpose(s, 'identity').get('identity.abcd')).toBe('K');
    await forPurpose(s, 'system').set('drdesk.roster-pin.x', '{"v":3}');
    expect(await s.get('drdesk.roster-pin.x')).toBe('{"v":3}');
    expect(await s.list()).toEqual([]);
  });

  it('a stored key or passphrase is never handed out as a password', async () => {
    const s = new MemorySecretStore();
    await s.set('k', 'KEY', 'ssh-key');
    await s.set('p', 'PASS', 'passphrase');
    await expect(forPurpose(s, 'ssh-password').get('k', 'passwordSecret')).rejects.toMatchObject({ code: 'SECRET_KIND_MISMATCH' });
    await expect(forPurpose(s, 'db-password').get('p')).rejects.toMatchObject({ code: 'SECRET_KIND_MISMATCH' });
    expect(await forPurpose(s, 'ssh-key').get('k')).toBe('KEY');
  });
});

import { describe, expect, it } from 'vitest';
import { drillLanding } from '../../../src/main/drills/feature';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

const landing = { host: '127.0.0.1', port: 2222, username: 'drdesk', dir: '/srv/landing', hostKeySha256: `SHA256:${'A'.repeat(43)}` };

async function store(): Promise<MemorySecretStore> {
  const s = new MemorySecretStore();
  await s.set('landing-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n', 'ssh-key');
  await s.set('landing-pw', 'hunter22', 'password');
  return s;
}

describe("a drill's SSH landing", () => {
  it('reads the key and the password each for its own purpose and keeps the pinned host key', async () => {
    const s = await store();
    await expect(drillLanding({ ...landing, keySecret: 'landing-key' }, s)).resolves.toMatchObject({ privateKey: expect.stringContaining('OPENSSH'), hostKeySha256: landing.hostKeySha256 });
    await expect(drillLanding({ ...landing, passwordSecret: 'landing-pw' }, s)).resolves.toMatchObject({ password: 'hunter22' });
    await expect(drillLanding(null, s)).resolves.toBeNull();
  });

  it('never sends the signing key or a secret stored for another purpose, and names a missing one', async () => {
    const s = await store();
    await expect(drillLanding({ ...landing, keySecret: 'identity.0123456789abcdef' }, s)).rejects.toMatchObject({ code: expect.stringMatching(/RESERVED/) });
    await expect(drillLanding({ ...landing, passwordSecret: 'landing-key' }, s)).rejects.toMatchObject({ code: 'SECRET_KIND_MISMATCH' });
    await expect(drillLanding({ ...landing, keySecret: 'nothing-here' }, s)).rejects.toMatchObject({ code: 'DRILL_LANDING_SECRET' });
  });
});

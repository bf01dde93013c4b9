import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils, type Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsFeature } from '../../../src/main/approvals/feature';
import { sshFingerprint } from '../../../src/main/connectors/ssh-host-keys';
import { createDesk, type Desk } from '../../../src/main/desk';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { refusalOf } from '../../unit/approvals/fixtures';

/**
 * Confirming an SSH host's key as the Credentials page does, through DeskApi: the host is asked for its key
 * (an sshd on 127.0.0.1 that records every authentication attempt — there must be none), the person confirms
 * the fingerprint shown, and it is pinned only if the host still offers it. A host outside the topology is
 * never asked; a key that changed between showing and pinning is not pinned.
 */
const base = mkdtempSync(join(tmpdir(), 'drdesk-host-trust-'));
let desk: Desk;
let port = 0;
let fingerprint = '';
const attempts: string[] = [];
let server: Server;
const clients = new Set<Connection>();

beforeAll(async () => {
  const key = utils.generateKeyPairSync('ed25519');
  const pub = utils.parseKey(key.public);
  if (pub instanceof Error) throw pub;
  fingerprint = sshFingerprint(pub.getPublicSSH());
  server = new Server({ hostKeys: [key.private] }, (client) => {
    clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => (attempts.push(ctx.method), ctx.reject()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  const topo = join(base, 'topology.json');
  writeFileSync(
    topo,
    JSON.stringify({
      sites: [
        { name: 'DC', role: 'dc', replicaSets: [{ name: 'rs-dc', members: [{ name: 'dc-1', host: '127.0.0.1', port: 9, role: 'primary' }] }] },
        { name: 'DR', role: 'dr', replicaSets: [{ name: 'rs-dr', members: [{ name: 'dr-1', host: '127.0.0.1', port: 10, role: 'primary' }] }], ssh: [{ name: 'dr-landing', host: '127.0.0.1', port, username: 'drdesk', passwordSecret: 'pw', backupDir: '/srv/drdesk' }] },
      ],
    }),
  );
  desk = await createDesk({ dataDir: join(base, 'data'), topologyPath: topo, secretStore: new MemorySecretStore(), autoStart: false, features: [approvalsFeature] });
});

afterAll(async () => {
  await desk?.close();
  for (const c of clients) c.end();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(base, { recursive: true, force: true });
});

describe('confirming an SSH host key in the UI', () => {
  it('lists the topology host as not pinned, shows the key it offers, and sends no credential', async () => {
    const api = desk.api();
    expect(await api.listSshHosts()).toEqual([{ site: 'DR', name: 'dr-landing', hostPort: `127.0.0.1:${port}`, topologyFingerprint: null, pinned: null }]);
    expect(await api.probeSshHost({ hostPort: `127.0.0.1:${port}` })).toEqual({ hostPort: `127.0.0.1:${port}`, fingerprint, keyType: 'ssh-ed25519' });
    expect(attempts).toEqual([]);
  });

  it('refuses to ask a host outside the topology, and to pin a fingerprint the host does not offer', async () => {
    const api = desk.api();
    expect((await refusalOf(api.probeSshHost({ hostPort: '127.0.0.1:22' }))).code).toBe('SSH_HOST_NOT_IN_TOPOLOGY');
    const other = `SHA256:${'A'.repeat(43)}`;
    const err = await refusalOf(api.pinSshHost({ hostPort: `127.0.0.1:${port}`, fingerprint: other }));
    expect([err.code, err.message]).toEqual(['SSH_FINGERPRINT_MISMATCH', expect.stringContaining('nothing was pinned')]);
    expect((await api.listSshHosts())[0].pinned).toBeNull();
  });

  it('pins the confirmed fingerprint', async () => {
    const api = desk.api();
    const pinned = await api.pinSshHost({ hostPort: `127.0.0.1:${port}`, fingerprint });
    expect(pinned.pinned).toMatchObject({ fingerprint, keyType: 'ssh-ed25519' });
    expect(attempts).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { MongoServerError } from 'mongodb';
import { SANDBOX_PASSWORD_SECRET, type Sandbox } from '../../../src/main/sandbox';
import { topologySchema } from '../../../src/shared/topology';
import { directUri, setUri, withClient, withSandbox } from './helpers';

describe('SCRAM-SHA-256 authentication', () => {
  let sb: Sandbox;
  withSandbox({ fast: true, auth: { username: 'ops', password: 'correct horse' } }, (s) => (sb = s));

  it('lets the right user in (speculative auth in the handshake) and writes', async () => {
    const uri = setUri(sb).replace('mongodb://', 'mongodb://ops:correct%20horse@');
    await withClient(`${uri}&authSource=admin`, async (c) => {
      await c.db('soar').collection('events').insertOne({ authed: true });
      const status = await c.db('admin').command({ connectionStatus: 1 });
      expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'ops', db: 'admin' }]);
    });
    await withClient(`${uri}&authSource=admin&authMechanism=SCRAM-SHA-256`, (c) => c.db('soar').collection('events').countDocuments());
  });

  it('refuses a wrong password with AuthenticationFailed (18)', async () => {
    const err = await withClient(directUri(sb, 'dc-1').replace('mongodb://', 'mongodb://ops:wrong@'), (c) => c.db('admin').command({ ping: 1 }), { serverSelectionTimeoutMS: 2000 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(18);
  });

  it('answers hello without credentials but refuses data commands with Unauthorized (13)', async () => {
    await withClient(directUri(sb, 'dc-1'), async (c) => {
      expect((await c.db('admin').command({ hello: 1 })).isWritablePrimary).toBe(true);
      const err = await c.db('soar').collection('events').findOne({}).catch((e: MongoServerError) => e);
      expect((err as MongoServerError).code).toBe(13);
      expect((err as MongoServerError).codeName).toBe('Unauthorized');
    });
  });

  it('names the password secret in the topology, never the password', () => {
    const t = topologySchema.parse(sb.topology);
    expect(t.sites[0].replicaSets[0].auth).toEqual({ username: 'ops', passwordSecret: SANDBOX_PASSWORD_SECRET, authSource: 'admin' });
    expect(JSON.stringify(sb.topology)).not.toContain('correct horse');
  });

  it('the workload authenticates too', async () => {
    sb.startWorkload(50);
    await new Promise((r) => setTimeout(r, 1000));
    await sb.stopWorkload();
    expect(sb.ledger.acknowledged).toBeGreaterThan(5);
    expect(sb.ledger.failed).toBe(0);
  });
});

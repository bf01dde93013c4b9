import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { topologySchema } from '../../../src/shared/topology';
import { MongoMemberProbe, parseHello, parseReplStatus } from '../../../src/main/connectors/mongo-member';
import { checkHttpHealth } from '../../../src/main/connectors/http-health';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';

/** A TCP server that accepts connections and never answers: the worst kind of member. */
let silent: Server;
const silentPort = new Promise<number>((resolve) => {
  silent = createServer(() => undefined).listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port));
});
afterAll(() => silent.close());

function probe(port: number, auth = false): MongoMemberProbe {
  const t = topologySchema.parse({
    requestTimeoutMs: 500,
    sites: [{ name: 'DC', role: 'dc', replicaSets: [{ name: 'rs', ...(auth ? { auth: { username: 'mon', passwordSecret: 'mon-pass' } } : {}), members: [{ name: 'm1', host: '127.0.0.1', port, role: 'primary' }] }] }],
  });
  return new MongoMemberProbe({ site: 'DC', replicaSet: t.sites[0].replicaSets[0], member: t.sites[0].replicaSets[0].members[0] }, { timeoutMs: 500, secrets: new MemorySecretStore() });
}

describe('MongoMemberProbe', () => {
  it('a closed port: unreachable within the deadline, never a throw', async () => {
    const p = probe(1);
    const t0 = Date.now();
    const o = await p.probe();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(o).toMatchObject({ reachable: false, member: 'm1', error: { code: 'UNREACHABLE' } });
    await p.close();
  });

  it('a member that accepts and never answers: unreachable within the deadline', async () => {
    const p = probe(await silentPort);
    const t0 = Date.now();
    const o = await p.probe();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(o.reachable).toBe(false);
    expect(o.error?.message).toMatch(/did not answer within/);
    await p.close();
  });

  it('a missing password secret is named with the command that sets it', async () => {
    const o = await probe(1, true).probe();
    expect(o.error).toEqual({ code: 'SECRET_MISSING', message: expect.stringContaining('drdesk secret set mon-pass') });
  });
});

describe('driver document parsing', () => {
  it('reads replSetGetStatus members, epoch optimes included', () => {
    const s = parseReplStatus({
      set: 'rs',
      myState: 1,
      term: 4,
      date: new Date(5000),
      members: [
        { name: 'a:1', self: true, health: 1, state: 1, stateStr: 'PRIMARY', optimeDate: new Date(4000), electionDate: new Date(1000) },
        { name: 'a:2', health: 1, state: 5, stateStr: 'STARTUP2', optimeDate: new Date(0), syncSourceHost: '' },
        { name: 'a:3', health: 0, state: 8, stateStr: '(not reachable/healthy)' },
      ],
    });
    expect(s).toMatchObject({ set: 'rs', myState: 1, term: 4, dateMs: 5000 });
    expect(s.members.map((m) => [m.name, m.self, m.optimeDateMs, m.syncSourceHost])).toEqual([
      ['a:1', true, 4000, null],
      ['a:2', false, 0, null],
      ['a:3', false, null, null],
    ]);
    expect(parseHello({ ismaster: true, setName: 'rs', me: 'a:1' })).toMatchObject({ isWritablePrimary: true, setName: 'rs', me: 'a:1', arbiterOnly: false });
  });
});

describe('checkHttpHealth', () => {
  it('a closed port is unhealthy with the reason, within the deadline', async () => {
    const closed = createServer();
    const port = await new Promise<number>((r) => closed.listen(0, '127.0.0.1', () => r((closed.address() as { port: number }).port)));
    await new Promise((r) => closed.close(r));
    const o = await checkHttpHealth('DC', `http://127.0.0.1:${port}/health`, 500);
    expect(o).toMatchObject({ site: 'DC', ok: false, httpStatus: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('a server that never answers times out at the deadline', async () => {
    const t0 = Date.now();
    const o = await checkHttpHealth('DC', `http://127.0.0.1:${await silentPort}/health`, 300);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(o.error).toContain('no answer within 300 ms');
  });
});

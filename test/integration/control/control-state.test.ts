import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainState } from '../../../src/main/control/chain-state';
import { localHolder, PipelineLease, leaseSentence } from '../../../src/main/control/lease';
import { LeaseSession } from '../../../src/main/control/lease-session';
import { ExecutionLedger } from '../../../src/main/control/ledger';
import { CONTROL_DATABASE } from '../../../src/main/control/names';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { setUri, withSandbox } from '../sandbox/helpers';

/** The control state on a sandbox replica set through the driver: lease CAS and fencing, position guard, ledger. */
async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe('control state in the replica set', () => {
  let sandbox: Sandbox;
  let a: MongoClient;
  let b: MongoClient;

  withSandbox({ fast: true }, (sb) => (sandbox = sb));
  beforeAll(async () => {
    // Two workstations: two clients, each its own connection pool.
    a = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    b = new MongoClient(setUri(sandbox, 'DR'), { serverSelectionTimeoutMS: 20_000 });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(true), b?.close(true)]);
  });

  it('one holder at a time; an expired lease is taken over with a higher term and the old holder is fenced out', async () => {
    const ttl = 1500;
    const la = new PipelineLease(a, 'DC>DR', ttl);
    const lb = new PipelineLease(b, 'DC>DR', ttl);
    const ha = await la.acquire(localHolder('ws-a', 'alice'));
    expect(ha.term).toBe(1);
    expect(await codeOf(lb.acquire(localHolder('ws-b', 'bob')))).toBe('LEASE_HELD');
    const { lease, now } = await lb.read();
    expect(leaseSentence(lease!, now)).toMatch(/^backups are run by alice on .+ \(pid \d+, workstation ws-a\) \(last heartbeat \d+ s ago\)$/);

    const ca = new ChainState(a, 'DC>DR');
    await ca.fence(ha, 'alice');
    await ca.startChain(ha, 'chain-1', '100:1', 'alice');
    expect(await ca.recordApplied(ha, 'chain-1', '100:5', Date.now())).toEqual({ kind: 'moved' });
    // A repeated report (a batch applied again after a crash) and an older one change nothing.
    expect((await ca.recordApplied(ha, 'chain-1', '100:5', null)).kind).toBe('repeat');
    expect((await ca.recordApplied(ha, 'chain-1', '100:3', null)).kind).toBe('repeat');

    // Alice's heartbeat stops (paused or killed): once the server's clock passes its expiry, Bob takes over.
    await new Promise((r) => setTimeout(r, ttl + 300));
    const hb = await lb.acquire(localHolder('ws-b', 'bob'));
    expect(hb.term).toBe(2);
    const cb = new ChainState(b, 'DC>DR');
    const fenced = await cb.fence(hb, 'bob');
    expect(fenced?.chainId).toBe('chain-1');
    expect(`${fenced?.appliedTs?.high}:${fenced?.appliedTs?.low}`).toBe('100:5');
    expect(fenced?.term).toBe(2);

    // Alice resumes: her heartbeat, her position writes and a new chain of hers are all refused.
    expect(await codeOf(la.renew(ha))).toBe('LEASE_LOST');
    expect(await codeOf(ca.recordApplied(ha, 'chain-1', '100:9', null))).toBe('LEASE_LOST');
    expect(await codeOf(ca.recordSliceApplied(ha, 'chain-1', 1, '100:9', 'f'.repeat(64), '{}', null))).toBe('LEASE_LOST');
    expect(await codeOf(ca.startChain(ha, 'chain-alice', '90:1', 'alice'))).toBe('LEASE_LOST');
    expect(await codeOf(ca.fence(ha, 'alice'))).toBe('LEASE_LOST');

    // Bob continues the same chain from DR's position.
    expect(await cb.recordSliceApplied(hb, 'chain-1', 1, '100:9', 'e'.repeat(64), '{"seq":1}', null)).toEqual({ kind: 'moved' });
    const doc = await cb.read();
    expect(doc?.chainId).toBe('chain-1');
    expect(doc?.appliedSeq).toBe(1);
    expect(`${doc?.appliedTs?.high}:${doc?.appliedTs?.low}`).toBe('100:9');
    expect(doc?.term).toBe(2);
    await lb.renew(hb);
  });

  it('a chain write names its chain: DR following another chain refuses it', async () => {
    const l = new PipelineLease(a, 'DC>DR2', 60_000);
    const h = await l.acquire(localHolder('ws-a', 'alice'));
    const c = new ChainState(a, 'DC>DR2');
    await c.startChain(h, 'chain-new', '5:1', 'alice');
    expect(await codeOf(c.recordApplied(h, 'chain-old', '6:1', null))).toBe('LEASE_LOST');
    await l.release(h);
    // Released: anyone may take it at once, with the next term.
    expect((await new PipelineLease(b, 'DC>DR2', 60_000).acquire(localHolder('ws-b', 'bob'))).term).toBe(h.term + 1);
  });

  it('the lease session of a cycle stops its work when the lease is taken from it, and when its process was frozen past the time to live', async () => {
    const taken = await LeaseSession.open(a, 'DC>DR3', localHolder('ws-a', 'alice'), 900);
    // An operator's forced take-over elsewhere: the term moves on under the session.
    await b.db(CONTROL_DATABASE).collection('lease').updateOne({ _id: 'DC>DR3' } as never, { $inc: { term: 1 }, $set: { token: 'other' } });
    await new Promise<void>((r) => taken.signal.addEventListener('abort', () => r(), { once: true }));
    expect((taken.signal.reason as { code?: string }).code).toBe('LEASE_LOST');
    await taken.close();

    const frozen = await LeaseSession.open(a, 'DC>DR4', localHolder('ws-a', 'alice'), 900);
    // Frozen: no timer, no renewal runs for longer than the time to live (what SIGSTOP does to a process).
    const until = performance.now() + 1_200;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 0));
    expect(frozen.signal.aborted).toBe(true);
    expect((frozen.signal.reason as { code?: string }).code).toBe('LEASE_LOST');
    await frozen.close();
  });

  it('the ledger runs a request once: the same request id or nonce from another workstation is refused with who and when', async () => {
    const la = new ExecutionLedger(a, 'DR');
    const lb = new ExecutionLedger(b, 'DR');
    await la.claim({ requestId: 'rq-1', nonce: 'n-1', planDigest: 'd', executionId: 'ex-1', by: 'alice', workstation: 'ws-a' });
    // A resume of the same execution claims again: not a second run.
    await la.claim({ requestId: 'rq-1', nonce: 'n-1', planDigest: 'd', executionId: 'ex-1', by: 'alice', workstation: 'ws-a' });
    const again = lb.claim({ requestId: 'rq-1', nonce: 'n-1', planDigest: 'd', executionId: 'ex-2', by: 'bob', workstation: 'ws-b' });
    await expect(again).rejects.toMatchObject({ code: 'ALREADY_EXECUTED' });
    await expect(lb.claim({ requestId: 'rq-1', nonce: 'n-1', planDigest: 'd', executionId: 'ex-2', by: 'bob', workstation: 'ws-b' })).rejects.toThrow(/already executed by alice \(workstation ws-a\) at \d{4}-/);
    // A replayed approval under another request id carries the same nonce.
    await expect(lb.claim({ requestId: 'rq-2', nonce: 'n-1', planDigest: 'd', executionId: 'ex-3', by: 'bob', workstation: 'ws-b' })).rejects.toMatchObject({ code: 'ALREADY_EXECUTED' });
    await la.finish('rq-1', 'ex-1', 'succeeded');
    expect((await lb.get('rq-1'))?.outcome).toBe('succeeded');
    // The control database is site-local: the ledger is there, in DR Desk's own database.
    const names = (await a.db(CONTROL_DATABASE).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(expect.arrayContaining(['chain', 'lease', 'ledger']));
  });
});

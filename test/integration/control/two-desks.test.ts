import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupRoutes } from '../../../src/main/backup/routes';
import { BackupService } from '../../../src/main/backup/service';
import { backupServicePort } from '../../../src/main/runbooks/steps/backup-service-port';
import { DeskError } from '../../../src/shared/errors';
import { PipelineLease } from '../../../src/main/control/lease';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { sshdSkipReason } from '../../helpers/sshd';
import { FAST_RETRY, startBed, type Bed } from '../backup/harness';

/** Two workstations (two data directories) on one topology: the lease on DR lets one pipeline run at a time. */
describe.skipIf(sshdSkipReason !== null)('two desks, one pipeline lease on DR', () => {
  let bed: Bed;
  let otherDir: string;
  let otherDb: DeskDatabase;
  let a: BackupService;
  let b: BackupService;

  beforeAll(async () => {
    bed = await startBed();
    otherDir = mkdtempSync(join(tmpdir(), 'drdesk-desk-b-'));
    otherDb = openDatabase(join(otherDir, 'desk.sqlite'));
    // Each workstation pins the DR landing host's key in its own database (no trust on first use).
    new HostKeyPins(otherDb.db).pin(`${bed.sshd.host}:${bed.sshd.port}`, bed.sshd.hostKeyFingerprint());
    a = await bed.restartService({ controlLease: { ttlMs: 3_000, workstation: 'desk-a', identity: 'alice' } });
    b = new BackupService({ topology: bed.topology, secrets: bed.secrets, db: otherDb.db, dataDir: otherDir, options: { retry: FAST_RETRY, timeoutMs: 10_000, controlLease: { ttlMs: 3_000, workstation: 'desk-b', identity: 'bob' } } });
  });
  afterAll(async () => {
    await b?.stop();
    otherDb?.close();
    await bed?.close();
    if (otherDir) rmSync(otherDir, { recursive: true, force: true });
  });

  it('while one desk runs a baseline the other is refused with the holder named; both see the holder; afterwards the other may run', async () => {
    await bed.dc.db('soar').collection('cases').insertMany([{ _id: 'x1' }, { _id: 'x2' }] as never[]);
    const running = await a.run('baseline', 'manual', false);
    expect(running.state).toBe('running');
    await expect(b.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'LEASE_HELD', message: expect.stringMatching(/backups are run by alice on .+workstation desk-a\) \(last heartbeat \d+ s ago\)/) });
    const seenByB = await b.leaseStatus();
    expect(seenByB.lease?.holder.workstation).toBe('desk-a');
    expect(seenByB.expired).toBe(false);
    // Wait for A's baseline to end: the lease is given up at once.
    const until = Date.now() + 60_000;
    while (a.store.cycle(running.id)?.state === 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(a.store.cycle(running.id)?.state).toBe('ok');
    expect((await b.leaseStatus()).expired).toBe(true);
    const byB = await b.run('baseline', 'manual', true);
    expect(byB.error).toBeNull();
    const after = await a.leaseStatus();
    expect(after.lease?.holder.workstation).toBe('desk-b');
    expect(after.lease?.term).toBe(2);
    // DR now follows B's chain: A continues it from DR's head (its own older chain is never applied over it).
    const aOwn = a.status().chain?.chainId;
    await bed.dc.db('soar').collection('cases').insertOne({ _id: 'x3' } as never);
    const byA = await a.run('cycle', 'manual', true);
    expect(byA.error).toBeNull();
    expect(byA.applied).toBe(1);
    expect(a.status().chain?.chainId).toBe(b.status().chain?.chainId);
    expect(a.status().chain?.chainId).not.toBe(aOwn);
    await bed.dc.db('soar').collection('cases').insertOne({ _id: 'x4' } as never);
    const byB2 = await b.run('cycle', 'manual', true);
    expect(byB2.error).toBeNull();
    expect(byB2.applied).toBe(1);
    for (const id of ['x3', 'x4']) expect(await bed.dr.db('soar').collection('cases').countDocuments({ _id: id } as never)).toBe(1);
    const doc = await bed.dr.db('drdesk').collection('chain').findOne({ _id: a.pipeline.controlId } as never);
    expect(doc?.chainId).toBe(b.status().chain?.chainId);
    expect(doc?.appliedSeq).toBe(2);
  });

  it('a holder whose heartbeat stopped cannot block: after the time to live the other desk takes the lease with the next term', async () => {
    // A holder that froze: it took the lease, then never renewed it.
    const frozen = new PipelineLease(bed.dr, a.pipeline.controlId, 1_000);
    const held = await frozen.acquire({ workstation: 'desk-frozen', identity: 'carol', hostname: 'laptop', pid: 1 });
    await expect(b.run('cycle', 'manual', true)).rejects.toMatchObject({ code: 'LEASE_HELD' });
    await new Promise((r) => setTimeout(r, 1_300));
    const c = await b.run('cycle', 'manual', true);
    expect(c.error).toBeNull();
    const st = await b.leaseStatus();
    expect(st.lease?.term).toBe(held.term + 1);
    await expect(frozen.renew(held)).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });

  it("a runbook's backup step on the other desk waits for the lease within its deadline, names the holder once, and fails LEASE_HELD at the deadline; a cancel stays a cancel", async () => {
    // B's runbook port over B's own service (the route is the topology's: DC -> DR).
    const routes = { forward: b, route: () => b, cycle: async (_f: string, _t: string, trigger: 'runbook') => ({ record: await b.run('cycle', trigger, true), service: b, started: null }) } as unknown as BackupRoutes;
    const port = backupServicePort(routes);
    const { from, to } = b.pipeline.route;
    const holder = new PipelineLease(bed.dr, a.pipeline.controlId, 60_000);
    const held = await holder.acquire({ workstation: 'desk-agent', identity: 'dave', hostname: 'dr-host', pid: 1 });
    try {
      const lines: string[] = [];
      const started = Date.now();
      const err = await port.cycle(from.name, to.name, { signal: new AbortController().signal, deadline: started + 5_000, log: (l) => lines.push(l) }).catch((e: unknown) => e as DeskError);
      expect(err).toMatchObject({ code: 'LEASE_HELD', message: expect.stringMatching(/backups are run by dave .*The step waited until its deadline/) });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/dave.*take the lease over/);
      // Cancelled by the operator while waiting: the cancel's reason, not a lease failure.
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(new DeskError('STEP_CANCELLED', 'Step cancelled: alice aborted the execution.')), 500);
      await expect(port.cycle(from.name, to.name, { signal: cancel.signal, deadline: Date.now() + 30_000 })).rejects.toMatchObject({ code: 'STEP_CANCELLED' });
    } finally {
      await holder.release(held);
    }
    // Free again: the same step runs the cycle.
    const done = await port.cycle(from.name, to.name, { signal: new AbortController().signal, deadline: Date.now() + 30_000 });
    expect(done.summary).toMatch(/cycle #\d+/);
  });
});

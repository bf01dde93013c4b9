import { Long, type Document, type MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { type AnyDoc, directUri, primaryOf, setUri, waitFor, withClient, withSandbox } from './helpers';

/** currentOp, killOp, explain, serverStatus sections and the election metrics of replSetGetStatus. */
describe('operations in progress, killOp and explain', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    // no periodic no-op: a waiting getMore on the oplog must stay waiting until it is killed
    sb = await startSandbox({ fast: true, periodicNoopIntervalMs: 0 });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const opsMatching = async (filter: Document): Promise<Document[]> =>
    withClient(setUri(sb), async (c) => (await c.db('admin').command({ currentOp: 1, ...filter })).inprog as Document[]);

  it('a getMore waiting on a tailable oplog cursor shows in currentOp and $currentOp; killOp ends it with Interrupted (11601)', async () => {
    await withClient(setUri(sb, 'DC', '&appName=tailer'), async (c) => {
      const local = c.db('local');
      const [last] = await local.collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
      const opened = await local.command({ find: 'oplog.rs', filter: { ts: { $gt: last.ts } }, tailable: true, awaitData: true });
      // the driver promotes a small cursor id to a number; getMore needs it as a 64-bit integer
      const id = Long.fromNumber(Number(opened.cursor.id));
      const started = Date.now();
      const waiting = local.command({ getMore: id, collection: 'oplog.rs', maxTimeMS: 30_000 }).then(
        (r) => ({ ok: true as const, r }),
        (e: MongoServerError) => ({ ok: false as const, e }),
      );
      const [op] = await waitFor(async () => {
        const found = await opsMatching({ op: 'getmore', ns: 'local.oplog.rs' });
        return found.length ? found : null;
      }, 5000, 'the getMore in currentOp');
      // the manual's currentOp fields
      expect(op).toMatchObject({ type: 'op', active: true, op: 'getmore', ns: 'local.oplog.rs', command: { collection: 'oplog.rs' }, appName: 'tailer' });
      expect(typeof op.opid).toBe('number');
      expect(op.desc).toMatch(/^conn\d+$/);
      expect(op.client).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(op.clientMetadata.driver.name).toMatch(/nodejs/);
      expect(typeof op.microsecs_running).toBe('number');
      expect(op.secs_running).toBeGreaterThanOrEqual(0);
      expect(op.cursor).toMatchObject({ tailable: true, awaitData: true });
      // mongosh's db.currentOp() form: the $currentOp stage on admin shows the same operation
      const viaStage = await withClient(setUri(sb), async (c2) => c2.db('admin').aggregate([{ $currentOp: { allUsers: true, idleConnections: false } }, { $match: { opid: op.opid } }]).toArray());
      expect(viaStage).toHaveLength(1);
      expect(viaStage[0].op).toBe('getmore');

      const killed = await withClient(setUri(sb), async (c2) => c2.db('admin').command({ killOp: 1, op: op.opid }));
      expect(killed).toMatchObject({ info: 'attempting to kill op', ok: 1 });
      const res = await waiting;
      expect(res.ok).toBe(false);
      if (res.ok) return;
      expect(res.e.code).toBe(11601);
      expect(res.e.codeName).toBe('Interrupted');
      expect(res.e.message).toBe('operation was interrupted');
      expect(Date.now() - started).toBeLessThan(10_000);
      // the killed getMore took its cursor with it
      const again = (await local.command({ getMore: id, collection: 'oplog.rs', maxTimeMS: 100 }).catch((e: MongoServerError) => e)) as MongoServerError;
      expect(again.codeName).toBe('CursorNotFound');
      expect(await opsMatching({ op: 'getmore' })).toHaveLength(0);
    });
  });

  it('killOp during a write-concern wait: the write stays, the reply carries writeConcernError Interrupted', async () => {
    await sb.fault({ action: 'lag', target: 'dc-2', ms: 60_000 });
    try {
      await withClient(setUri(sb), async (c) => {
        const coll = c.db('app').collection<AnyDoc>('killed');
        // the driver turns a reply's writeConcernError into MongoWriteConcernError; its result is the reply
        const write = c
          .db('app')
          .command({ insert: 'killed', documents: [{ _id: 1 }], writeConcern: { w: 2 } })
          .catch((e: MongoServerError & { result?: Document }) => ({ ...e.result, writeConcernError: e.result?.writeConcernError ?? { code: e.code, codeName: e.codeName } }));
        const [op] = await waitFor(async () => {
          const found = await opsMatching({ op: 'insert', ns: 'app.killed' });
          return found.length ? found : null;
        }, 5000, 'the insert waiting for w:2');
        await c.db('admin').command({ killOp: 1, op: op.opid });
        const reply = (await write) as Document;
        expect(reply.n).toBe(1);
        expect(reply.writeConcernError).toMatchObject({ code: 11601, codeName: 'Interrupted' });
        expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1 });
      });
    } finally {
      await sb.fault({ action: 'lag', target: 'dc-2', ms: 0 });
    }
  });

  it('maxTimeMS is the deadline of a write-concern wait (MaxTimeMSExpired, 50); on an awaitData getMore it is the await time', async () => {
    await sb.fault({ action: 'lag', target: 'dc-2', ms: 60_000 });
    try {
      await withClient(setUri(sb), async (c) => {
        const started = Date.now();
        const reply = (await c
          .db('app')
          .command({ insert: 'deadline', documents: [{ _id: 1 }], writeConcern: { w: 2 }, maxTimeMS: 300 })
          .catch((e: MongoServerError & { result?: Document }) => e.result ?? { error: e.message })) as Document;
        expect(reply.n).toBe(1);
        expect(reply.writeConcernError).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' });
        expect(Date.now() - started).toBeLessThan(5000);
        const local = c.db('local');
        const [last] = await local.collection('oplog.rs').find({}).sort({ $natural: -1 }).limit(1).toArray();
        const opened = await local.command({ find: 'oplog.rs', filter: { ts: { $gt: last.ts } }, tailable: true, awaitData: true });
        const more = await local.command({ getMore: Long.fromNumber(Number(opened.cursor.id)), collection: 'oplog.rs', maxTimeMS: 200 });
        expect(more.cursor.nextBatch).toEqual([]);
      });
    } finally {
      await sb.fault({ action: 'lag', target: 'dc-2', ms: 0 });
    }
  });

  it('killOp refuses what mongod refuses: not on admin, no op, a non-number op; an unknown opid is still ok', async () => {
    await withClient(setUri(sb), async (c) => {
      const fail = (db: string, cmd: Document) => c.db(db).command(cmd).catch((e: MongoServerError) => e) as Promise<MongoServerError>;
      expect((await fail('app', { killOp: 1, op: 1 })).codeName).toBe('Unauthorized');
      expect((await fail('admin', { killOp: 1 })).code).toBe(4);
      expect((await fail('admin', { killOp: 1, op: 'x' })).codeName).toBe('TypeMismatch');
      expect(await c.db('admin').command({ killOp: 1, op: 987654 })).toMatchObject({ info: 'attempting to kill op', ok: 1 });
      // the currentOp command lists itself, with its filter applied
      const self = (await c.db('admin').command({ currentOp: 1, 'command.currentOp': { $exists: true } })).inprog as Document[];
      expect(self).toHaveLength(1);
      expect(self[0]).toMatchObject({ op: 'command', ns: 'admin.$cmd', active: true });
      // $all adds idle connections (active: false)
      const all = (await c.db('admin').command({ currentOp: 1, $all: true })).inprog as Document[];
      expect(all.some((o) => o.active === false && typeof o.connectionId === 'number')).toBe(true);
    });
  });

  it('explain: IDHACK, FETCH+IXSCAN on an index, COLLSCAN otherwise; executionStats when asked', async () => {
    await withClient(setUri(sb), async (c) => {
      const coll = c.db('app').collection<AnyDoc>('plans');
      await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, k: i % 4 === 0 ? 'a' : 'b', n: i })));
      await coll.createIndex({ k: 1 });
      const db = c.db('app');
      const ix = await db.command({ explain: { find: 'plans', filter: { k: 'a', n: { $gte: 4 } } }, verbosity: 'executionStats' });
      expect(ix.explainVersion).toBe('1');
      expect(ix.queryPlanner).toMatchObject({ namespace: 'app.plans', indexFilterSet: false, rejectedPlans: [] });
      expect(ix.queryPlanner.parsedQuery).toEqual({ $and: [{ k: { $eq: 'a' } }, { n: { $gte: 4 } }] });
      expect(ix.queryPlanner.winningPlan).toMatchObject({ stage: 'FETCH', filter: { n: { $gte: 4 } }, inputStage: { stage: 'IXSCAN', keyPattern: { k: 1 }, indexName: 'k_1', direction: 'forward', indexBounds: { k: ['["a", "a"]'] } } });
      expect(ix.executionStats).toMatchObject({ executionSuccess: true, nReturned: 4, totalKeysExamined: 5, totalDocsExamined: 5 });
      expect(ix.executionStats.executionStages).toMatchObject({ stage: 'FETCH', nReturned: 4, docsExamined: 5, inputStage: { stage: 'IXSCAN', keysExamined: 5 } });
      expect(ix.serverInfo.port).toBeGreaterThan(0);
      expect(ix.command).toMatchObject({ find: 'plans', $db: 'app' });

      const scan = await db.command({ explain: { find: 'plans', filter: { n: { $lt: 3 } }, sort: { n: -1 }, limit: 2 }, verbosity: 'queryPlanner' });
      expect(scan.queryPlanner.winningPlan).toMatchObject({ stage: 'SORT', sortPattern: { n: -1 }, limitAmount: 2, inputStage: { stage: 'COLLSCAN', filter: { n: { $lt: 3 } }, direction: 'forward' } });
      expect(scan.executionStats).toBeUndefined();

      const byId = await db.command({ explain: { find: 'plans', filter: { _id: 3 } }, verbosity: 'executionStats' });
      expect(byId.queryPlanner.winningPlan).toEqual({ stage: 'IDHACK' });
      expect(byId.executionStats).toMatchObject({ nReturned: 1, totalKeysExamined: 1, totalDocsExamined: 1 });

      // the driver's explain (mongosh's db.coll.find().explain() sends the same command)
      const viaDriver = await coll.find({ n: 7 }).explain('executionStats');
      expect(viaDriver.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
      expect(viaDriver.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 20, totalKeysExamined: 0 });

      // aggregate: the $match goes into the query ($cursor), $group stays a stage
      const agg = await db.command({ explain: { aggregate: 'plans', pipeline: [{ $match: { k: 'b' } }, { $group: { _id: '$k', c: { $sum: 1 } } }], cursor: {} }, verbosity: 'executionStats' });
      expect(agg.stages[0].$cursor.queryPlanner.winningPlan).toMatchObject({ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'k_1' } });
      expect(agg.stages[0].$cursor.executionStats.nReturned).toBe(15);
      expect(agg.stages[1]).toMatchObject({ $group: { _id: '$k' } });
      expect(Number(agg.stages[1].nReturned)).toBe(1);
      const flag = await db.command({ aggregate: 'plans', pipeline: [{ $match: { _id: 2 } }], explain: true });
      expect(flag.queryPlanner.winningPlan).toEqual({ stage: 'IDHACK' });

      const count = await db.command({ explain: { count: 'plans', query: { n: { $gt: 10 } } }, verbosity: 'executionStats' });
      expect(count.queryPlanner.winningPlan).toMatchObject({ stage: 'COUNT', inputStage: { stage: 'COLLSCAN' } });
      expect(count.executionStats.executionStages).toMatchObject({ stage: 'COUNT', nCounted: 9 });
      const fast = await db.command({ explain: { count: 'plans' }, verbosity: 'executionStats' });
      expect(fast.queryPlanner.winningPlan).toEqual({ stage: 'RECORD_STORE_FAST_COUNT' });
      expect(fast.executionStats.executionStages.nCounted).toBe(20);

      const bad = (await db.command({ explain: { find: 'plans' }, verbosity: 'everything' }).catch((e: MongoServerError) => e)) as MongoServerError;
      expect(bad.codeName).toBe('BadValue');
    });
  });
});

describe('serverStatus sections and election metrics', () => {
  let sb: Sandbox;
  withSandbox({ fast: true }, (s) => (sb = s));

  it('opcounters are 64-bit; network, metrics and transactions count what happened', async () => {
    await withClient(
      setUri(sb),
      async (c) => {
        const admin = c.db('admin');
        const before = await admin.command({ serverStatus: 1 }, { promoteLongs: false });
        expect(before.opcounters.insert).toBeInstanceOf(Long);
        expect(before.opcountersRepl.insert).toBeInstanceOf(Long);
        const coll = c.db('app').collection<AnyDoc>('ss');
        await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
        await coll.updateOne({ _id: 1 }, { $set: { x: 1 } });
        await coll.deleteOne({ _id: 2 });
        await coll.find({}).toArray();
        const s = c.startSession();
        try {
          await s.withTransaction(async () => {
            await coll.insertOne({ _id: 10 }, { session: s });
          });
          s.startTransaction();
          await coll.insertOne({ _id: 11 }, { session: s });
          await s.abortTransaction();
        } finally {
          await s.endSession();
        }
        const after = await admin.command({ serverStatus: 1 }, { promoteLongs: false });
        const d = (k: string, sect = 'opcounters') => Number(after[sect][k]) - Number(before[sect][k]);
        expect(d('insert')).toBe(5);
        expect(d('update')).toBe(1);
        expect(d('delete')).toBe(1);
        expect(after.network.bytesIn).toBeInstanceOf(Long);
        expect(d('bytesIn', 'network')).toBeGreaterThan(0);
        expect(d('bytesOut', 'network')).toBeGreaterThan(0);
        expect(d('numRequests', 'network')).toBeGreaterThanOrEqual(8);
        const doc = (k: string) => Number(after.metrics.document[k]) - Number(before.metrics.document[k]);
        expect(doc('inserted')).toBe(5);
        expect(doc('updated')).toBe(1);
        expect(doc('deleted')).toBe(1);
        expect(doc('returned')).toBeGreaterThanOrEqual(2);
        expect(Number(after.metrics.commands.insert.total)).toBeGreaterThan(Number(before.metrics.commands.insert?.total ?? 0));
        expect(after.metrics.repl).toHaveProperty('apply');
        const t = (k: string) => Number(after.transactions[k]) - Number(before.transactions[k]);
        expect(t('totalStarted')).toBe(2);
        expect(t('totalCommitted')).toBe(1);
        expect(t('totalAborted')).toBe(1);
        expect(Number(after.transactions.currentOpen)).toBe(0);
        // the secondary applied the writes: its replication metrics moved
        const sec = await withClient(directUri(sb, 'dc-2'), (c2) => c2.db('admin').command({ serverStatus: 1 }));
        expect(Number(sec.metrics.repl.apply.ops)).toBeGreaterThan(0);
        expect(Number(sec.opcountersRepl.insert)).toBeGreaterThan(0);
      },
      { promoteLongs: false },
    );
  });

  it('replSetGetStatus: the primary shows electionCandidateMetrics, voters electionParticipantMetrics; a hand-off updates both', async () => {
    const first = primaryOf(sb, 'rs-dc')!;
    const other = first === 'dc-1' ? 'dc-2' : 'dc-1';
    const status = (name: string) => withClient(directUri(sb, name), (c) => c.db('admin').command({ replSetGetStatus: 1 }));
    const p = await waitFor(async () => {
      const s = await status(first);
      return s.electionCandidateMetrics?.wMajorityWriteAvailabilityDate ? s : null;
    }, 5000, 'wMajorityWriteAvailabilityDate');
    const firstId = p.members.find((m: Document) => m.self)._id;
    const conf = (await withClient(directUri(sb, first), (c) => c.db('admin').command({ replSetGetConfig: 1 }))).config;
    const priority = (id: number) => conf.members.find((m: Document) => m._id === id).priority;
    expect(p.electionCandidateMetrics).toMatchObject({ lastElectionReason: 'electionTimeout', electionTerm: 1, numVotesNeeded: 2, priorityAtElection: priority(firstId), numCatchUpOps: 0 });
    expect(p.electionCandidateMetrics.lastElectionDate).toBeInstanceOf(Date);
    expect(p.electionCandidateMetrics.newTermStartDate).toBeInstanceOf(Date);
    expect(p.electionCandidateMetrics.lastCommittedOpTimeAtElection).toHaveProperty('ts');
    expect(p.electionCandidateMetrics.lastSeenOpTimeAtElection).toHaveProperty('t');
    expect(p.electionCandidateMetrics.electionTimeoutMillis).toBeGreaterThan(0);
    const s = await status(other);
    expect(s.electionCandidateMetrics).toBeUndefined();
    const otherId = s.members.find((m: Document) => m.self)._id;
    expect(s.electionParticipantMetrics).toMatchObject({ votedForCandidate: true, electionTerm: 1, electionCandidateMemberId: firstId, voteReason: '', priorityAtElection: priority(otherId) });
    expect(s.electionParticipantMetrics.lastVoteDate).toBeInstanceOf(Date);
    expect(s.electionParticipantMetrics.maxAppliedOpTimeInSet).toHaveProperty('ts');

    // a step-down hands off to the other data member: it was elected by stepUpRequestSkipDryRun in term 2
    await withClient(directUri(sb, first), (c) => c.db('admin').command({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 5 }));
    await waitFor(() => primaryOf(sb, 'rs-dc') === other || null, 5000, 'the hand-off');
    const np = await status(other);
    expect(np.electionCandidateMetrics).toMatchObject({ lastElectionReason: 'stepUpRequestSkipDryRun', electionTerm: 2, priorPrimaryMemberId: firstId });
    const old = await status(first);
    expect(old.electionCandidateMetrics).toBeUndefined();
    expect(old.electionParticipantMetrics).toMatchObject({ votedForCandidate: true, electionTerm: 2 });
    const em = (await withClient(directUri(sb, other), (c) => c.db('admin').command({ serverStatus: 1 }))).electionMetrics;
    expect(em.stepUpCmd).toEqual({ called: 1, successful: 1 });
    expect(em).toHaveProperty('priorityTakeover.called');
    expect(em).toHaveProperty('numStepDownsCausedByHigherTerm');
  });

  it('replSetStepUp: an eligible secondary is elected (stepUpRequest); one that cannot be fails CommandFailed "Election failed."', async () => {
    const current = primaryOf(sb, 'rs-dc')!;
    const secondary = current === 'dc-1' ? 'dc-2' : 'dc-1';
    await withClient(directUri(sb, secondary), async (c) => {
      await c.db('admin').command({ replSetFreeze: 0 });
      expect(await c.db('admin').command({ replSetStepUp: 1 })).toMatchObject({ ok: 1 });
      const st = await c.db('admin').command({ replSetGetStatus: 1 });
      expect(st.myState).toBe(1);
      expect(st.electionCandidateMetrics.lastElectionReason).toBe('stepUpRequest');
      // already primary: nothing to do, ok
      expect(await c.db('admin').command({ replSetStepUp: 1 })).toMatchObject({ ok: 1 });
    });
    const arbiter = sb.state().members.find((m) => m.replicaSet === 'rs-dc' && m.stateStr === 'ARBITER')!.name;
    await withClient(directUri(sb, arbiter), async (c) => {
      const err = (await c.db('admin').command({ replSetStepUp: 1 }).catch((e: MongoServerError) => e)) as MongoServerError;
      expect(err.code).toBe(125);
      expect(err.codeName).toBe('CommandFailed');
      expect(err.message).toBe('Election failed.');
    });
  });
});

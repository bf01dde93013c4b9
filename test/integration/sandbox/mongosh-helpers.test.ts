import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/main/sandbox';
import { setUri, withClient, type AnyDoc } from './helpers';

const MONGOSH = join(process.cwd(), 'node_modules', '.bin', 'mongosh');
const haveMongosh = existsSync(MONGOSH);

/** Runs one script in mongosh (asynchronously: the sandbox shares this event loop) and returns its output. */
function mongosh(uri: string, script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(MONGOSH, ['--quiet', '--norc', uri, '--eval', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MONGOSH_NO_UPDATE_CHECK: '1' } }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

// Each helper prints between markers so the test can read the section as an operator would.
const SCRIPT = `
const sec = (name, fn) => { print('### ' + name); try { fn(); } catch (e) { print('HELPER FAILED ' + e.code + ' ' + e.message); } };
sec('status', () => { const s = rs.status(); print(s.set); s.members.forEach(m => print(m.name + ' ' + m.stateStr)); });
sec('conf', () => { const c = rs.conf(); print('version ' + c.version + ' members ' + c.members.length); });
sec('replinfo', () => printjson(rs.printReplicationInfo()));
sec('secinfo', () => printjson(rs.printSecondaryReplicationInfo()));
sec('currentop', () => { const r = db.currentOp(); const me = r.inprog.filter(o => o.command && o.command.aggregate === 1 && o.command.pipeline[0].$currentOp); print('inprog ' + me.length + ' ' + me[0].op + ' ' + me[0].ns + ' opid ' + typeof me[0].opid + ' client ' + me[0].client + ' active ' + me[0].active + ' micros ' + me[0].microsecs_running); });
sec('killop', () => { const r = db.killOp(424242); print('killop ' + r.ok + ' ' + r.info); });
sec('serverstatus', () => { const s = db.serverStatus(); print('insert ' + s.opcounters.insert + ' ' + (s.opcounters.insert instanceof Long)); print('network ' + s.network.bytesIn + ' ' + s.network.bytesOut + ' ' + s.network.numRequests); print('transactions ' + s.transactions.totalStarted + ' ' + s.transactions.currentActive); print('elections ' + s.electionMetrics.electionTimeout.called + ' ' + s.electionMetrics.electionTimeout.successful); print('documents ' + s.metrics.document.inserted); });
sec('elections', () => { const s = rs.status(); print('candidate ' + s.electionCandidateMetrics.lastElectionReason + ' term ' + s.electionCandidateMetrics.electionTerm); });
sec('explain', () => { const e = db.getSiblingDB('app').events.find({ k: 'a' }).explain('executionStats'); print('plan ' + e.queryPlanner.winningPlan.stage + ' returned ' + e.executionStats.nReturned + ' examined ' + e.executionStats.totalDocsExamined); const i = db.getSiblingDB('app').events.find({ _id: 2 }).explain(); print('byid ' + i.queryPlanner.winningPlan.stage); });
sec('collstats', () => { const s = db.getSiblingDB('app').events.stats(); print('ns ' + s.ns + ' count ' + s.count + ' size ' + s.size + ' nindexes ' + s.nindexes); });
`;

describe.skipIf(!haveMongosh)('mongosh 2.12 replica-set helpers against the sandbox', () => {
  let sb: Sandbox;
  let out = '';
  const section = (name: string) => (out.split(`### ${name}\n`)[1] ?? '').split('### ')[0];
  beforeAll(async () => {
    sb = await startSandbox({ fast: true, oplogSizeBytes: 8 * 1024 * 1024 });
    await withClient(setUri(sb), (c) => c.db('app').collection<AnyDoc>('events').insertMany([{ _id: 1, k: 'a' }, { _id: 2, k: 'b' }, { _id: 3, k: 'c' }], { writeConcern: { w: 'majority' } }));
    const r = await mongosh(setUri(sb), SCRIPT);
    out = r.stdout;
    if (r.code !== 0) throw new Error(`mongosh exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  }, 90_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('no helper fails', () => {
    expect(out).not.toMatch(/HELPER FAILED/);
    expect(out).toMatch(/### collstats/);
  });

  it('rs.status() and rs.conf(): the set, each member with its stateStr, the config version', () => {
    const s = section('status');
    expect(s).toMatch(/^rs-dc$/m);
    expect(s).toMatch(/:\d+ PRIMARY$/m);
    expect(s).toMatch(/:\d+ SECONDARY$/m);
    expect(s).toMatch(/:\d+ ARBITER$/m);
    expect(section('conf')).toMatch(/version 1 members 3/);
  });

  it('rs.printReplicationInfo(): the configured oplog size and the log length start to end', () => {
    const s = section('replinfo');
    expect(s).toMatch(/configured oplog size[\s\S]*?8 ?MB/);
    expect(s).toMatch(/log length start to end[\s\S]*?\d+ secs \(/);
    expect(s).toMatch(/oplog first event time/);
    expect(s).toMatch(/oplog last event time/);
  });

  it('rs.printSecondaryReplicationInfo(): the secondary, synced to, and how far behind the primary', () => {
    const s = section('secinfo');
    expect(s).toMatch(/source: 127\.0\.0\.1:\d+/);
    expect(s).toMatch(/syncedTo/);
    expect(s).toMatch(/\d+ secs \(\d+ hrs\) behind the primary/);
  });

  it('db.currentOp(), db.serverStatus() opcounters, db.coll.stats()', () => {
    expect(section('currentop')).toMatch(/inprog 1 command admin\.\$cmd\.aggregate opid number client 127\.0\.0\.1:\d+ active true micros \d+/);
    expect(section('killop')).toMatch(/killop 1 attempting to kill op/);
    // three inserts went through insertMany: opcounters.insert counts documents, as a 64-bit integer
    expect(section('serverstatus')).toMatch(/insert [1-9]\d* true/);
    expect(section('serverstatus')).toMatch(/network [1-9]\d* [1-9]\d* [1-9]\d*/);
    expect(section('serverstatus')).toMatch(/transactions 0 0/);
    expect(section('serverstatus')).toMatch(/elections 1 1/);
    expect(section('serverstatus')).toMatch(/documents 3/);
    expect(section('elections')).toMatch(/candidate electionTimeout term 1/);
    expect(section('explain')).toMatch(/plan COLLSCAN returned 1 examined 3/);
    expect(section('explain')).toMatch(/byid IDHACK/);
    expect(section('collstats')).toMatch(/ns app\.events count 3 size [1-9]\d* nindexes 1/);
  });
});

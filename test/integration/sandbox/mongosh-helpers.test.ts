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
sec('currentop', () => { const r = db.currentOp(); print('inprog ' + r.inprog.length + ' ' + r.inprog[0].op + ' ' + r.inprog[0].ns); });
sec('serverstatus', () => { const s = db.serverStatus(); print('insert ' + s.opcounters.insert + ' ' + typeof s.opcounters.insert); });
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
    expect(section('currentop')).toMatch(/inprog 1 command admin\.\$cmd\.aggregate/);
    // three inserts went through insertMany: opcounters.insert counts documents
    expect(section('serverstatus')).toMatch(/insert [1-9]\d* /);
    expect(section('collstats')).toMatch(/ns app\.events count 3 size [1-9]\d* nindexes 1/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLanding } from '../../../src/main/backup/local-landing';
import { manifestName } from '../../../src/main/backup/capture';
import type { RunContext } from '../../../src/main/backup/pipeline';
import { ProgressTracker } from '../../../src/main/backup/progress';
import { BackupService } from '../../../src/main/backup/service';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';
import { openDatabase, type DeskDatabase } from '../../../src/main/store/database';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { topologySchema } from '../../../src/shared/topology';
import { snapshot } from './harness';

/**
 * The local landing (the sandbox's DR "host" is this machine) under the same pipeline as the SSH one:
 * sha256 checked at the landing after the copy, partial copies resumed, chain links and exactly-once apply,
 * retention on both sides.
 */
const dir = mkdtempSync(join(tmpdir(), 'drdesk-local-landing-'));
const landingDir = join(dir, 'landing', 'DR');
let sandbox: Sandbox;
let database: DeskDatabase;
let svc: BackupService;
let dc: MongoClient;
let dr: MongoClient;

type Doc = { _id: string; [k: string]: unknown };
const cases = (c: MongoClient) => c.db('soar').collection<Doc>('cases');

function phaseRun(): RunContext {
  const rec = svc.store.startCycle('cycle', 'manual', new Date(Date.now() + 60_000));
  return { cycleId: rec.id, progress: new ProgressTracker({ cycleId: rec.id, kind: 'cycle' }, () => undefined) };
}

beforeAll(async () => {
  sandbox = await startSandbox({ fast: true, dir });
  const topology = topologySchema.parse({ ...sandbox.topology, backup: { intervalMinutes: 1, keep: 5, from: 'DC', to: 'DR' } });
  database = openDatabase(join(dir, 'data', 'desk.sqlite'));
  svc = new BackupService({ topology, secrets: new MemorySecretStore(), db: database.db, dataDir: join(dir, 'data'), options: { localLanding: landingDir, timeoutMs: 10_000 } });
  const uri = (site: string) => {
    const rs = topology.sites.find((s) => s.name === site)!.replicaSets[0];
    return `mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`;
  };
  dc = new MongoClient(uri('DC'), { serverSelectionTimeoutMS: 20_000 });
  dr = new MongoClient(uri('DR'), { serverSelectionTimeoutMS: 20_000 });
  await Promise.all([dc.connect(), dr.connect()]);
});

afterAll(async () => {
  await svc?.stop();
  await Promise.all([dc?.close(true), dr?.close(true)]);
  database?.close();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup pipeline: sandbox DC → local landing → sandbox DR', () => {
  it('takes a baseline and increments under a live workload; DR then equals DC document by document', async () => {
    expect(svc.status().landing).toMatchObject({ kind: 'local', label: `local landing (sandbox): ${landingDir}`, dir: landingDir });
    await cases(dc).insertMany([{ _id: 'c1', v: 1 }, { _id: 'c2', v: 2 }]);
    sandbox.startWorkload(60);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await svc.run('baseline', 'manual', true)).error).toBeNull();
    for (let i = 0; i < 2; i++) {
      await cases(dc).updateOne({ _id: 'c1' }, { $set: { [`round${i}`]: i } });
      await new Promise((r) => setTimeout(r, 500));
      expect(await svc.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', captured: 1, applied: 1 });
    }
    await sandbox.stopWorkload();
    expect(await svc.run('cycle', 'manual', true)).toMatchObject({ state: 'ok' });
    expect(await snapshot(dr)).toEqual(await snapshot(dc));
    const chain = svc.status().chain!;
    for (const s of chain.slices) {
      expect(s.state).toBe('applied');
      expect(existsSync(join(landingDir, manifestName(s.chainId, s.seq)))).toBe(true);
    }
    expect(svc.status().level).toBe('green');
  });

  it('rejects a landed archive with one flipped byte: checksum error, red, shipped again, applied once', async () => {
    await cases(dc).insertOne({ _id: 'flip-me', v: 1 });
    const run = phaseRun();
    await svc.pipeline.capture(run);
    const landing = svc.pipeline.landing();
    await svc.pipeline.ship(run, landing);
    const slice = svc.store.slices(svc.status().chain!.chainId).at(-1)!;
    const landed = join(landingDir, slice.manifest.archive);
    const bytes = readFileSync(landed);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(landed, bytes);
    await expect(svc.pipeline.apply(run, landing)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', message: expect.stringContaining(`at local landing (sandbox): ${landingDir}`) });
    expect(svc.status().level).toBe('red');
    expect(await cases(dr).findOne({ _id: 'flip-me' })).toBeNull();
    expect(existsSync(landed)).toBe(false);
    expect(await svc.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', shipped: 1, applied: 1 });
    const fixed = svc.store.slice(slice.chainId, slice.seq)!;
    expect(fixed).toMatchObject({ state: 'applied', shipAttempts: 2, applyCount: 1 });
    expect(await cases(dr).findOne({ _id: 'flip-me' })).toMatchObject({ v: 1 });
  });

  it('resumes a partial copy whose prefix matches, starts over when it does not, and checks the sha256 at the landing', async () => {
    await cases(dc).insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `bulk-${i}`, pad: 'x'.repeat(400) })));
    const run = phaseRun();
    await svc.pipeline.capture(run);
    const slice = svc.store.slices(svc.status().chain!.chainId).at(-1)!;
    const m = slice.manifest;
    const outboxFile = join(svc.pipeline.outbox, m.archive);
    const whole = readFileSync(outboxFile);
    const landing = new LocalLanding(landingDir);
    writeFileSync(join(landingDir, `${m.archive}.part`), whole.subarray(0, Math.floor(whole.length / 2)));
    const resumed = await landing.ship(slice, svc.pipeline.outbox, () => undefined);
    expect(resumed.resumedFrom).toBe(Math.floor(whole.length / 2));
    expect(readFileSync(join(landingDir, m.archive))).toEqual(whole);

    await landing.remove(m);
    const wrong = Buffer.from(whole.subarray(0, 100));
    wrong[10] ^= 0xff;
    writeFileSync(join(landingDir, `${m.archive}.part`), wrong);
    expect((await landing.ship(slice, svc.pipeline.outbox, () => undefined)).resumedFrom).toBe(0);
    expect(readFileSync(join(landingDir, m.archive))).toEqual(whole);

    // A copy that does not hash to the manifest's sha256 at the landing is deleted there and refused.
    await landing.remove(m);
    const forged = { ...slice, manifest: { ...m, sha256: 'f'.repeat(64) } };
    await expect(landing.ship(forged, svc.pipeline.outbox, () => undefined)).rejects.toMatchObject({ code: 'CHECKSUM_REMOTE_MISMATCH' });
    expect(existsSync(join(landingDir, m.archive))).toBe(false);
    expect(existsSync(join(landingDir, manifestName(m.chainId, m.seq)))).toBe(false);

    expect(await svc.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', applied: 1 });
    expect(await cases(dr).countDocuments({ _id: { $regex: /^bulk-/ } })).toBe(300);
  });

  it('keeps the last 5 slices on each side, only applied ones pruned', async () => {
    for (let i = 0; i < 3; i++) {
      await cases(dc).insertOne({ _id: `keep-${i}` });
      expect(await svc.run('cycle', 'manual', true)).toMatchObject({ state: 'ok', applied: 1 });
    }
    const slices = svc.store.slices(svc.status().chain!.chainId);
    expect(slices.length).toBeGreaterThan(5);
    for (const s of slices.slice(0, -5)) {
      expect(s).toMatchObject({ localDeleted: true, remoteDeleted: true });
      expect(existsSync(join(landingDir, s.manifest.archive))).toBe(false);
    }
    for (const s of slices.slice(-5)) expect(existsSync(join(landingDir, s.manifest.archive))).toBe(true);
  });

  it('breaks the chain on a slice gone from the outbox and the landing: nothing later applied', async () => {
    await cases(dc).insertOne({ _id: 'lost' });
    const run = phaseRun();
    await svc.pipeline.capture(run);
    const slice = svc.store.slices(svc.status().chain!.chainId).at(-1)!;
    rmSync(join(svc.pipeline.outbox, slice.manifest.archive));
    await cases(dc).insertOne({ _id: 'after-gap' });
    const r = await svc.run('cycle', 'manual', true);
    expect(r.error?.code).toBe('BACKUP_CHAIN_BROKEN');
    expect(svc.status()).toMatchObject({ level: 'red', needsBaseline: true });
    expect(await cases(dr).findOne({ _id: 'after-gap' })).toBeNull();
  });
});

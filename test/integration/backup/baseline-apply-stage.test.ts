import { existsSync } from 'node:fs';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PartFiles } from '../../../src/main/backup/baseline/restore-fetch';
import { manifestSha256, type Manifest } from '../../../src/main/backup/manifest';
import { ApplyStage } from '../../../src/main/backup/apply-stage';
import type { BackupStore, ChainRow, SliceRow } from '../../../src/main/backup/backup-store';
import type { BackupLog } from '../../../src/main/backup/backup-log';
import type { Landing } from '../../../src/main/backup/landing';
import type { PipelineDeps } from '../../../src/main/backup/pipeline';
import type { BackupRoute } from '../../../src/main/connectors/mongo-endpoints';
import { lastPosition, serverVersion } from '../../../src/main/connectors/mongo-endpoints';
import type { DeskError } from '../../../src/shared/errors';
import { snapshot } from './harness';
import { CHAIN, dirFiles, partedBed, type Built } from './parted-fixture';

/**
 * The apply stage around a parted restore, on the sandbox: every part is checked where it landed before DR
 * is touched (a damaged or missing part ships the slice again), the baseline is recorded applied only when
 * the restore completed, and data that break a unique index are the slice's problem, not shipped again.
 */
describe('the apply stage and a baseline in parts', () => {
  const bed = partedBed();

  /**
   * The apply stage around the restore: the store is a recorder of the calls the stage makes (a test sees
   * exactly what was recorded, in order), the landing serves the built files from their directory.
   */
  async function stageApply(b: Built, files: PartFiles & { fetched: string[] }) {
    const calls: Array<[string, ...unknown[]]> = [];
    const m = { ...b.manifest, dcVersion: await serverVersion(bed.dr), parts: b.parts } as Manifest;
    const row: SliceRow = { chainId: m.chainId, seq: 0, manifest: m, manifestSha: manifestSha256(m), state: 'verified', problem: null, shippedAt: null, verifiedAt: null, appliedAt: null, shipAttempts: 0, applyCount: 0, safety: null, applyTs: null, localDeleted: false, remoteDeleted: false };
    const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args]);
    const store = {
      setProblem: record('setProblem'),
      setSafetyPoint: record('setSafetyPoint'),
      setApplyProgress: record('setApplyProgress'),
      markApplied: record('markApplied'),
      activateChain: record('activateChain'),
      countCycle: record('countCycle'),
      breakChain: record('breakChain'),
      slice: () => row,
    } as unknown as BackupStore;
    const landing = {
      kind: 'local',
      dir: b.dir,
      label: 'test landing',
      remoteManifest: async () => m,
      fetch: async (_m: Manifest, local: string) => copyFile(b.head, local),
      remove: record('landing.remove'),
      ...files,
    } as unknown as Landing;
    const deps = { store, log: { write: () => undefined } as unknown as BackupLog, options: {} } as unknown as PipelineDeps;
    const route = { from: { name: 'DC' }, to: { name: 'DR' } } as unknown as BackupRoute;
    const stage = new ApplyStage(deps, route, bed.staging, (fn) => fn(bed.dr), { restoreConcurrency: 2 });
    const chain = { chainId: m.chainId, appliedSeq: null } as unknown as ChainRow;
    const err = await stage.apply({ cycleId: 1, progress: bed.progressOf([]) }, landing, { chain, slices: [row] }).then(
      () => null,
      (e: unknown) => e as DeskError,
    );
    return { err, calls };
  }

  it('the apply stage restores a parted baseline and records it applied; staging is empty afterwards', async () => {
    const files = dirFiles(bed.built.dir);
    const { err, calls } = await stageApply(bed.built, files);
    expect(err).toBeNull();
    // The oplog replay records its position as it goes (setApplyProgress), then the slice is applied.
    expect(calls.map((c) => c[0]).filter((n) => n !== 'setApplyProgress')).toEqual(['setSafetyPoint', 'markApplied', 'activateChain', 'countCycle']);
    expect(files.fetched.sort()).toEqual(bed.built.parts.map((p) => p.archive).sort());
    expect(await snapshot(bed.dr)).toEqual(bed.dcSnapshot);
    for (const p of bed.built.parts) expect(existsSync(join(bed.staging, p.archive))).toBe(false);
  }, 120_000);

  it.each([
    ['damaged', 'PART_CHECKSUM_MISMATCH'],
    ['missing', 'PART_MISSING_REMOTE'],
  ])('the apply stage: a %s part at the landing ships the slice again, before any write on DR', async (what, code) => {
    const victim = bed.built.parts[2];
    const path = join(bed.built.dir, victim.archive);
    const saved = await readFile(path);
    if (what === 'missing') await rm(path);
    else await writeFile(path, Buffer.concat([saved, Buffer.from('tail')]));
    try {
      const files = dirFiles(bed.built.dir);
      const before = await lastPosition(bed.dr);
      const { err, calls } = await stageApply(bed.built, files);
      expect(err?.code).toBe(code);
      expect(calls).toEqual([['setProblem', CHAIN, 0, code, err?.message, true]]);
      expect(files.fetched).toEqual([]);
      // Not one write on DR: its newest oplog entry is the one from before, the old data stay.
      expect((await lastPosition(bed.dr))?.ts.toString()).toBe(before?.ts.toString());
      expect(await bed.dr.db('old').collection('stale').countDocuments()).toBe(1);
    } finally {
      await writeFile(path, saved);
    }
  }, 60_000);

  it('the apply stage: data that break a unique index are recorded as the slice problem, not shipped again, not applied', async () => {
    const b = await bed.uniqueBreaking();
    const { err, calls } = await stageApply(b, dirFiles(b.dir));
    expect(err?.code).toBe('BASELINE_UNIQUE_VIOLATION');
    const names = calls.map((c) => c[0]);
    expect(names).not.toContain('markApplied');
    expect(names).not.toContain('activateChain');
    expect(calls.find((c) => c[0] === 'setProblem')).toEqual(['setProblem', CHAIN, 0, 'BASELINE_UNIQUE_VIOLATION', err?.message, false]);
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, Timestamp, UUID, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIncrementArchive } from '../../../src/main/backup/apply';
import { ArchiveWriter } from '../../../src/main/backup/archive';
import type { Manifest } from '../../../src/main/backup/manifest';
import { ProgressTracker } from '../../../src/main/backup/progress';
import { tsToText } from '../../../src/main/connectors/oplog-ts';
import { startSandbox } from '../../../src/main/sandbox';
import type { Sandbox } from '../../../src/main/sandbox/types';

/**
 * The replay's guarantees against the sandbox's strict applyOps: a 20 MB slice of two ~9 MB inserts is split
 * under the 16 MiB limit and applies; a failure in the middle of a batch records the last entry that applied,
 * and the next run applies the rest exactly once (counted in DR's own oplog, one insert entry per document).
 */
type Doc = { _id: number | string; [k: string]: unknown };
let sandbox: Sandbox;
let dr: MongoClient;
let dir: string;
const T0 = Math.floor(Date.now() / 1000) - 3600;
let inc = 0;
const ts = () => new Timestamp({ t: T0, i: ++inc });
const DC_UI = new UUID();
const entry = (op: string, ns: string, o: Document, extra: Document = {}) => ({ op, ns, ui: DC_UI, o, ts: ts(), t: 1, v: 2, wall: new Date(), ...extra });

async function slice(name: string, entries: Document[]): Promise<string> {
  const path = join(dir, `${name}.bson.gz`);
  const w = new ArchiveWriter(path);
  for (const e of entries) await w.write(serialize(e));
  await w.finish();
  return path;
}
const progress = () => new ProgressTracker({ cycleId: 0, kind: 'cycle' }, () => undefined);

beforeAll(async () => {
  sandbox = await startSandbox({ fast: true });
  const rs = sandbox.topology.sites.find((s) => s.role === 'dr')!.replicaSets[0];
  dr = new MongoClient(`mongodb://${rs.members.map((m) => `${m.host}:${m.port}`).join(',')}/?replicaSet=${rs.name}`, { serverSelectionTimeoutMS: 20_000 });
  await dr.connect();
  dir = mkdtempSync(join(tmpdir(), 'drdesk-replay-acc-'));
}, 60_000);
afterAll(async () => {
  await dr?.close(true);
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('replay acceptance against the sandbox', () => {
  it('a 20 MB slice of two ~9 MB inserts applies, split into batches under 16 MiB', async () => {
    const entries = [
      entry('c', 'acc.$cmd', { create: 'big' }),
      entry('i', 'acc.big', { _id: 1, blob: 'a'.repeat(9 * 1024 * 1024) }),
      entry('i', 'acc.big', { _id: 2, blob: 'b'.repeat(9 * 1024 * 1024) }),
    ];
    const positions: string[] = [];
    await applyIncrementArchive(dr, await slice('big', entries), { count: 3 } as Manifest, { progress: progress(), onBatchApplied: (p) => void positions.push(p) });
    const docs = await dr.db('acc').collection<Doc>('big').find({}, { sort: { _id: 1 } }).toArray();
    expect(docs.map((d) => [d._id, String(d.blob).length])).toEqual([
      [1, 9 * 1024 * 1024],
      [2, 9 * 1024 * 1024],
    ]);
    expect(positions.at(-1)).toBe(tsToText(entries[2].ts));
  });

  it('a failure in the middle of a batch records the last entry that applied; the next run applies the rest exactly once', async () => {
    const head = [entry('c', 'acc.$cmd', { create: 'mid' }), ...[1, 2, 3, 4, 5].map((i) => entry('i', 'acc.mid', { _id: i }))];
    // An insert into a collection DR does not have: the server stops the batch there (NamespaceNotFound).
    const broken = entry('i', 'acc.notyet', { _id: 'x' });
    const tail = [6, 7, 8, 9, 10].map((i) => entry('i', 'acc.mid', { _id: i }));
    const path = await slice('mid', [...head, broken, ...tail]);
    const positions: string[] = [];
    const deps = () => ({ progress: progress(), onBatchApplied: async (p: string) => void positions.push(p) });
    const err = await applyIncrementArchive(dr, path, { count: 12 } as Manifest, deps()).then(() => null, (e: unknown) => e as { code?: string; message: string });
    expect(err).toMatchObject({ code: 'APPLY_FAILED' });
    expect(err!.message).toContain(tsToText(broken.ts));
    expect(err!.message).toContain('acc.notyet');
    expect(positions.at(-1)).toBe(tsToText(head.at(-1)!.ts));
    // The operator fixes the cause; the next run resumes after the recorded position.
    await dr.db('acc').createCollection('notyet');
    await applyIncrementArchive(dr, path, { count: 12 } as Manifest, { ...deps(), resumeAfterTs: positions.at(-1)! });
    const oplog = dr.db('local').collection<Doc>('oplog.rs');
    for (let i = 1; i <= 10; i++) expect(await oplog.countDocuments({ op: 'i', ns: 'acc.mid', 'o._id': i }), `_id ${i}`).toBe(1);
    expect(await oplog.countDocuments({ op: 'i', ns: 'acc.notyet' })).toBe(1);
    expect(await dr.db('acc').collection<Doc>('mid').countDocuments()).toBe(10);
    expect(positions.at(-1)).toBe(tsToText(tail.at(-1)!.ts));
  });
});

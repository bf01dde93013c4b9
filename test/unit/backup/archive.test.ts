import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { deserialize, serialize, Timestamp } from 'bson';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveWriter, fileSha256, readArchive } from '../../../src/main/backup/archive';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slice archives', () => {
  it('writes a gzip BSON stream whose sha256 is that of the file, and reads it back in order', async () => {
    const path = join(dir, 'a.bson.gz');
    const w = new ArchiveWriter(path);
    const docs = Array.from({ length: 5000 }, (_, i) => serialize({ ts: new Timestamp({ t: 1000 + i, i: 1 }), op: 'i', ns: 'app.events', o: { _id: i, pad: 'x'.repeat(i % 300) } }));
    for (const d of docs) await w.write(d);
    const summary = await w.finish();
    expect(summary.documents).toBe(5000);
    expect(summary.rawBytes).toBe(docs.reduce((n, d) => n + d.length, 0));
    expect(summary.bytes).toBe(readFileSync(path).length);
    expect(summary.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(await fileSha256(path)).toBe(summary.sha256);
    let i = 0;
    for await (const raw of readArchive(path)) {
      expect(Buffer.compare(raw, docs[i])).toBe(0);
      expect(deserialize(raw).o._id).toBe(i);
      i++;
    }
    expect(i).toBe(5000);
  });

  it('rejects a truncated or damaged archive instead of yielding garbage', async () => {
    const good = Buffer.concat([serialize({ a: 1 }), serialize({ b: 2 })]);
    const truncated = join(dir, 't.bson.gz');
    writeFileSync(truncated, gzipSync(good.subarray(0, good.length - 3)));
    await expect(async () => {
      for await (const _ of readArchive(truncated)) void _;
    }).rejects.toThrow(/damaged/);
    const flipped = join(dir, 'f.bson.gz');
    const z = gzipSync(good);
    z[z.length - 6] ^= 0xff;
    writeFileSync(flipped, z);
    await expect(async () => {
      for await (const _ of readArchive(flipped)) void _;
    }).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
  });
});

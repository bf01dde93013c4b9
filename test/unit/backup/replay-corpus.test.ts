import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateObjectSize, EJSON, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classify, txnMeta } from '../../../src/main/backup/replay/entry-kind';
import { TxnBuffer } from '../../../src/main/backup/replay/txn-buffer';
import { MAX_BATCH_BYTES, OplogReplayer } from '../../../src/main/backup/replay/oplog-replayer';
import { tsToText } from '../../../src/main/connectors/oplog-ts';

const DIR = join(__dirname, '../../fixtures/oplog');
interface Fixture {
  description: string;
  entries: Document[];
  expect: string[];
}
export function loadCorpus(): Record<string, Fixture> {
  const out: Record<string, Fixture> = {};
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.json')).sort()) out[f] = EJSON.parse(readFileSync(join(DIR, f), 'utf8'), { relaxed: false }) as Fixture;
  return out;
}
const corpus = loadCorpus();
const all = Object.values(corpus).flatMap((f) => f.entries);

/** A DR primary that records every command and answers applyOps like mongod (optionally failing entry N). */
function fakeDr(opts: { failAt?: (op: Document, index: number) => boolean } = {}) {
  const sent: { db: string; cmd: Document }[] = [];
  const client = {
    db: (name: string) => ({
      command: async (cmd: Document) => {
        sent.push({ db: name, cmd });
        if (cmd.applyOps) {
          const ops = cmd.applyOps as Document[];
          if (calculateObjectSize(cmd) > 16 * 1024 * 1024) throw Object.assign(new Error('BSONObjectTooLarge'), { code: 10334 });
          const bad = opts.failAt ? ops.findIndex((o, i) => opts.failAt!(o, i)) : -1;
          if (bad >= 0) {
            const results = ops.map((_, i) => i < bad);
            throw Object.assign(new Error(`applyOps entry ${bad} failed`), { code: 26, errorResponse: { ok: 0, applied: bad + 1, results: results.slice(0, bad + 1) } });
          }
          return { ok: 1, applied: ops.length, results: ops.map(() => true) };
        }
        return { ok: 1 };
      },
    }),
  } as unknown as MongoClient;
  return { client, sent };
}

describe('replay corpus: classification', () => {
  for (const [name, f] of Object.entries(corpus))
    it(`${name}: ${f.description}`, () => {
      expect(f.entries.length).toBe(f.expect.length);
      f.entries.forEach((e, i) => {
        const k = classify(e);
        const got = k.kind === 'command' ? `command:${k.name}` : k.kind;
        expect(got, `${name}[${i}] ${tsToText(e.ts)} ${e.op} ${e.ns}`).toBe(f.expect[i]);
      });
    });

  it('every CRUD and DDL entry of user data carries ui, as real servers write them', () => {
    for (const e of all) if ((e.op === 'i' || e.op === 'u' || e.op === 'd') && classify(e).kind === 'crud') expect(e.ui, `${e.ns}`).toBeDefined();
  });
});

describe('replay corpus: transaction buffer', () => {
  const feed = (entries: Document[]) => {
    const buf = new TxnBuffer();
    const out: (Document[] | null)[] = [];
    let before: string | null = null;
    for (const e of entries) {
      const meta = txnMeta(e);
      expect(meta).not.toBeNull();
      out.push(buf.add(meta!, e, tsToText(e.ts), before));
      before = tsToText(e.ts);
    }
    return { buf, out };
  };
  it('a one-entry transaction yields its ops at once', () => {
    const { out, buf } = feed(corpus['04-txn-applyops.json'].entries);
    expect(out[0]?.map((o) => o.op)).toEqual(['i', 'u']);
    expect(buf.size).toBe(0);
  });
  it('a partialTxn chain is held until the entry with count, then yields every op in order', () => {
    const { out, buf } = feed(corpus['05-txn-partial.json'].entries);
    expect(out[0]).toBeNull();
    expect(out[1]).toBeNull();
    expect(out[2]?.map((o) => `${o.op}:${String((o.o2 as Document)?._id ?? (o.o as Document)._id)}`)).toHaveLength(3);
    expect(buf.size).toBe(0);
  });
  it('an open transaction caps the recordable position before its first entry', () => {
    const entries = corpus['05-txn-partial.json'].entries;
    const buf = new TxnBuffer();
    buf.add(txnMeta(entries[0])!, entries[0], tsToText(entries[0].ts), '1764748800:1');
    expect(buf.cap()).toEqual({ capped: true, ts: '1764748800:1' });
  });
  it('a prepared transaction applies at commitTransaction', () => {
    const { out } = feed(corpus['06-txn-prepared-commit.json'].entries);
    expect(out[0]).toBeNull();
    expect(out[1]?.map((o) => o.op)).toEqual(['i']);
  });
  it('a prepared transaction then abortTransaction yields nothing', () => {
    const { out, buf } = feed(corpus['07-txn-prepared-abort.json'].entries);
    expect(out).toEqual([null, null]);
    expect(buf.size).toBe(0);
  });
  it('a commit whose beginning is missing is refused, not applied half', () => {
    const [, commit] = corpus['06-txn-prepared-commit.json'].entries;
    expect(() => new TxnBuffer().add(txnMeta(commit)!, commit, tsToText(commit.ts), null)).toThrow(/began in an earlier slice/);
  });
});

describe('replay corpus: what DR is sent', () => {
  const replayable = Object.entries(corpus)
    .filter(([n]) => n !== '12-refused.json')
    .flatMap(([, f]) => f.entries);

  it('never sends ui, a no-op, an internal op, an index-build marker, a transaction entry or another site\'s control state', async () => {
    const { client, sent } = fakeDr();
    const positions: string[] = [];
    const r = new OplogReplayer(client, { onApplied: async (ts) => void positions.push(ts) });
    for (const e of replayable) await r.add(e);
    await r.finish();
    const ops = sent.flatMap((s) => (s.cmd.applyOps as Document[] | undefined) ?? []);
    for (const o of ops) {
      expect(o.ui).toBeUndefined();
      expect(['i', 'u', 'd', 'c']).toContain(o.op);
      expect(String(o.ns)).not.toMatch(/^(local|config|drdesk)\.|^admin\.system\./);
      const name = o.op === 'c' ? Object.keys(o.o as Document)[0] : null;
      expect(['createIndexes', 'commitIndexBuild', 'startIndexBuild', 'abortIndexBuild', 'applyOps', 'commitTransaction', 'abortTransaction']).not.toContain(name);
    }
    for (const s of sent) expect(s.cmd.writeConcern).toMatchObject({ w: 'majority' });
    // dropDatabase alone in its applyOps.
    for (const s of sent) if ((s.cmd.applyOps as Document[] | undefined)?.some((o) => o.op === 'c' && 'dropDatabase' in (o.o as Document))) expect((s.cmd.applyOps as Document[]).length).toBe(1);
    // Index builds as createIndexes commands: the committed build and the single-phase ones, not the aborted one.
    const built = sent.filter((s) => s.cmd.createIndexes).flatMap((s) => (s.cmd.indexes as Document[]).map((ix) => ix.name));
    expect(built).toEqual(['sku_1', 'paidAt_1', 'status_1']);
    expect(sent.some((s) => s.cmd.dropIndexes === 'orders' && s.cmd.index === 'status_1')).toBe(true);
    expect(sent.some((s) => s.cmd.collMod === 'orders' && Number((s.cmd.index as Document)?.expireAfterSeconds) === 3600)).toBe(true);
    expect(sent.some((s) => s.cmd.convertToCapped === 'events' && Number(s.cmd.size) === 1048576)).toBe(true);
    // The aborted prepared transaction never reaches DR.
    expect(ops.some((o) => String((o.o as Document)?.sku) === 'PR-2')).toBe(false);
    expect(ops.some((o) => String((o.o as Document)?.sku) === 'PR-1')).toBe(true);
    // Positions only go forward and end at the corpus' last entry.
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(positions.at(-1)).toBe(tsToText(replayable.at(-1)!.ts));
  });

  it('stops at an unknown op type or command, naming the entry, with what came before applied and recorded', async () => {
    for (const bad of corpus['12-refused.json'].entries) {
      const { client } = fakeDr();
      const positions: string[] = [];
      const r = new OplogReplayer(client, { onApplied: (ts) => void positions.push(ts) });
      const head = corpus['01-crud.json'].entries;
      for (const e of head) await r.add(e);
      const err = await r.add(bad).catch((x: unknown) => x as { code: string; message: string });
      expect(err).toMatchObject({ code: 'REPLAY_UNSUPPORTED' });
      expect(err!.message).toContain(tsToText(bad.ts));
      expect(err!.message).toContain(`op "${bad.op}"`);
      expect(err!.message).toContain(String(bad.ns));
      expect(positions.at(-1)).toBe(tsToText(head.at(-1)!.ts));
    }
  });

  it('splits two ~9 MB inserts into two applyOps, each under 16 MiB', async () => {
    const { client, sent } = fakeDr();
    const r = new OplogReplayer(client);
    const [create, ins] = corpus['01-crud.json'].entries;
    await r.add(create);
    const big = (n: number) => ({ ...ins, ts: { ...ins.ts, low: ins.ts.low + 10 + n, high: ins.ts.high, _bsontype: 'Timestamp' }, o: { _id: n, blob: 'x'.repeat(9 * 1024 * 1024) } });
    const { Timestamp } = await import('bson');
    for (const n of [1, 2]) await r.add({ ...big(n), ts: new Timestamp({ t: ins.ts.high + 100, i: n }) });
    await r.finish();
    const batches = sent.filter((s) => (s.cmd.applyOps as Document[] | undefined)?.some((o) => o.op === 'i'));
    expect(batches).toHaveLength(2);
    for (const b of batches) expect(calculateObjectSize(b.cmd)).toBeLessThan(16 * 1024 * 1024);
    expect(MAX_BATCH_BYTES).toBeLessThan(16 * 1024 * 1024);
  });

  it('a failure inside a batch records the last entry that applied (from results), then throws APPLY_FAILED', async () => {
    const crud = corpus['01-crud.json'].entries;
    const { client } = fakeDr({ failAt: (o) => o.op === 'u' && !!(o.o as Document).diff && 'd' in ((o.o as Document).diff as Document) });
    const positions: string[] = [];
    const r = new OplogReplayer(client, { onApplied: (ts) => void positions.push(ts) });
    let err: unknown = null;
    try {
      for (const e of crud) await r.add(e);
      await r.finish();
    } catch (x) {
      err = x;
    }
    expect(err).toMatchObject({ code: 'APPLY_FAILED' });
    // Entries 1..3 applied (create alone first, then inserts and the first update); entry 4 failed.
    expect(positions.at(-1)).toBe(tsToText(crud[3].ts));
    expect((err as Error).message).toContain(tsToText(crud[4].ts));
  });

  it('resumes after the recorded position exactly once', async () => {
    const crud = corpus['01-crud.json'].entries;
    const { client, sent } = fakeDr();
    const r = new OplogReplayer(client, { resumeAfterTs: tsToText(crud[3].ts) });
    for (const e of crud) await r.add(e);
    await r.finish();
    const ops = sent.flatMap((s) => (s.cmd.applyOps as Document[]) ?? []);
    expect(ops.map((o) => o.op)).toEqual(['u', 'd']);
  });
});

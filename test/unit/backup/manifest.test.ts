import { describe, expect, it } from 'vitest';
import { canonicalJson, chainProblems, encodeManifest, linkProblem, manifestSha256, parseManifest, type Manifest } from '../../../src/main/backup/manifest';
import { compareTs, textToTs, tsToText } from '../../../src/main/connectors/oplog-ts';

const sha = (c: string) => c.repeat(64);

function chain(n: number): Manifest[] {
  const out: Manifest[] = [];
  for (let seq = 0; seq < n; seq++) {
    const prev = out[seq - 1];
    out.push({
      format: 'drdesk-slice/1',
      kind: seq === 0 ? 'baseline' : 'increment',
      chainId: 'c20261123-abcd',
      seq,
      fromTs: prev ? prev.toTs : '100:1',
      toTs: `${100 + (seq + 1) * 10}:1`,
      count: 10,
      bytes: 100,
      rawBytes: 400,
      sha256: sha(String(seq % 10)),
      prevManifestSha256: prev ? manifestSha256(prev) : null,
      dcVersion: '7.0.12',
      replicaSet: 'rs-dc',
      createdAt: '2026-11-23T07:00:00.000Z',
      headCheckedAt: '2026-11-23T07:00:00.000Z',
      lastWall: '2026-11-23T06:59:59.000Z',
      archive: `c20261123-abcd-${String(seq).padStart(6, '0')}.bson.gz`,
    });
  }
  return out;
}

describe('manifests and the chain', () => {
  it('hashes exactly as the manifests already written were hashed (optional fields left out when undefined)', () => {
    const m = { format: 'drdesk-slice/1', kind: 'increment', chainId: 'c20261123-abcd', seq: 3, fromTs: '130:1', toTs: '140:7', count: 10, bytes: 100, rawBytes: 400, sha256: 'a'.repeat(64), prevManifestSha256: 'b'.repeat(64), dcVersion: '7.0.12', replicaSet: 'rs-dc', createdAt: '2026-11-23T07:00:00.000Z', headCheckedAt: '2026-11-23T07:00:00.000Z', lastWall: null, archive: 'c20261123-abcd-000003.bson.gz', anchor: undefined, collections: undefined, note: 'Ünïcødé ✓ "quoted"' } as unknown as Manifest;
    // Computed with the encoder the chains on disk were written with.
    expect(manifestSha256(m)).toBe('0074efc3d3c5909feb6456bc61b5676f5782a1d9d6e6a0bffd630a9e8d43e1d4');
  });

  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}');
    const [m] = chain(1);
    const shuffled = Object.fromEntries(Object.entries(m).reverse()) as Manifest;
    expect(manifestSha256(shuffled)).toBe(manifestSha256(m));
  });

  it('round-trips through the file form and rejects damaged text', () => {
    const [m] = chain(1);
    expect(parseManifest(encodeManifest(m), 'x')).toEqual(m);
    expect(() => parseManifest('{"format":"drdesk-slice/1"', 'x')).toThrow(/not JSON/);
    expect(() => parseManifest(JSON.stringify({ ...m, sha256: 'nope' }), 'x')).toThrow(/sha256/);
  });

  it('accepts an intact chain', () => {
    expect(chainProblems(chain(5))).toEqual([]);
  });

  it('finds a missing slice, a replaced slice, a time gap and a foreign root', () => {
    const c = chain(5);
    expect(chainProblems([c[0], c[1], c[3], c[4]])[0]).toMatchObject({ seq: 3, problem: { code: 'LINK_BROKEN' } });
    expect(chainProblems([c[0], c[1], c[3], c[4]])[0].problem.message).toMatch(/slice 2 is missing/);
    const replaced = { ...c[2], count: 11 };
    expect(linkProblem(replaced, c[3])?.message).toMatch(/different previous manifest/);
    const shifted = { ...c[3], fromTs: '999:1' };
    expect(linkProblem(c[2], shifted)?.message).toMatch(/starts at 999:1/);
    expect(chainProblems(c.slice(1))[0].problem.message).toMatch(/not a baseline/);
  });

  it('orders oplog positions by seconds then increment', () => {
    expect(compareTs('10:2', '10:10')).toBeLessThan(0);
    expect(compareTs('11:0', '10:99')).toBeGreaterThan(0);
    expect(compareTs('5:5', '5:5')).toBe(0);
    expect(tsToText(textToTs('4294967295:7'))).toBe('4294967295:7');
    expect(() => textToTs('x')).toThrow(/oplog position/);
  });
});

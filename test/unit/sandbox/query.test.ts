import { Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { matches } from '../../../src/main/sandbox/query/filter';
import { project, sortDocuments } from '../../../src/main/sandbox/query/shape';
import { applyUpdate, topLevelDiff } from '../../../src/main/sandbox/query/update';
import { applyDiff, updatedDocument } from '../../../src/main/sandbox/apply-oplog';
import { compareValues, idKey } from '../../../src/main/sandbox/query/values';

const doc = { _id: 1, name: 'web-01', n: new Int32(5), tags: ['a', 'b'], nested: { x: 2, y: [1, 2, 3] }, items: [{ k: 1 }, { k: 7 }] };

describe('filter matching', () => {
  it.each([
    [{ name: 'web-01' }, true],
    [{ n: 5 }, true],
    [{ n: { $eq: new Double(5) } }, true],
    [{ n: { $gt: 4, $lte: 5 } }, true],
    [{ n: { $lt: 5 } }, false],
    [{ n: { $gte: 'a' } }, false],
    [{ n: { $ne: 5 } }, false],
    [{ name: { $in: ['x', 'web-01'] } }, true],
    [{ name: { $nin: ['web-01'] } }, false],
    [{ tags: 'b' }, true],
    [{ tags: ['a', 'b'] }, true],
    [{ missing: { $exists: false } }, true],
    [{ name: { $exists: true } }, true],
    [{ missing: null }, true],
    [{ 'nested.x': 2 }, true],
    [{ 'nested.y': { $gt: 2 } }, true],
    [{ 'items.k': 7 }, true],
    [{ $or: [{ n: 1 }, { name: /^web/ }] }, true],
    [{ $and: [{ n: 5 }, { name: 'nope' }] }, false],
    [{ $nor: [{ n: 1 }] }, true],
    [{ n: { $not: { $gt: 10 } } }, true],
    [{ tags: { $size: 2 } }, true],
    [{ tags: { $all: ['b', 'a'] } }, true],
    [{ items: { $elemMatch: { k: { $gt: 5 } } } }, true],
  ])('%j → %s', (filter, expected) => {
    expect(matches(doc, filter)).toBe(expected);
  });

  it('rejects unknown operators', () => {
    expect(() => matches(doc, { n: { $near: 1 } })).toThrow(/unknown operator/);
    expect(() => matches(doc, { $where: 'x' })).toThrow(/unknown top level/);
  });

  it('compares Timestamps and ObjectIds in BSON order', () => {
    const a = new Timestamp({ t: 10, i: 1 });
    const b = new Timestamp({ t: 10, i: 2 });
    expect(matches({ ts: b }, { ts: { $gt: a } })).toBe(true);
    expect(matches({ ts: a }, { ts: { $gt: a } })).toBe(false);
    expect(compareValues(null, 1)).toBe(-1);
    expect(compareValues(1, 'a')).toBe(-1);
    expect(compareValues(new ObjectId('000000000000000000000001'), new ObjectId('000000000000000000000002'))).toBe(-1);
  });

  it('treats 1, 1.0 and NumberLong(1) as the same _id', () => {
    expect(idKey(1)).toBe(idKey(new Double(1)));
    expect(idKey(Long.fromNumber(1))).toBe(idKey(new Int32(1)));
    expect(idKey('1')).not.toBe(idKey(1));
  });
});

describe('sort and projection', () => {
  const docs = [{ _id: 1, a: 3, b: 'x' }, { _id: 2, a: 1, b: 'y' }, { _id: 3, b: 'z' }, { _id: 4, a: 1, b: 'a' }];

  it('sorts by several keys, missing values first ascending', () => {
    expect(sortDocuments(docs, { a: 1, b: -1 }).map((d) => d._id)).toEqual([3, 2, 4, 1]);
    expect(sortDocuments(docs, { a: -1 }).map((d) => d._id)[0]).toBe(1);
  });

  it('projects by inclusion and exclusion', () => {
    expect(project(doc, { name: 1 })).toEqual({ _id: 1, name: 'web-01' });
    expect(project(doc, { name: 1, _id: 0 })).toEqual({ name: 'web-01' });
    expect(project(doc, { 'nested.x': 1 })).toEqual({ _id: 1, nested: { x: 2 } });
    expect(Object.keys(project(doc, { tags: 0, nested: 0, items: 0 }))).toEqual(['_id', 'name', 'n']);
    expect(() => project(doc, { a: 1, b: 0 })).toThrow(/mix/);
  });
});

describe('update operators and the oplog delta', () => {
  it('applies $set $unset $inc $push $addToSet $min $max $rename with dotted paths', () => {
    const out = applyUpdate(
      { _id: 1, a: new Int32(1), gone: true, list: [1], s: 5, old: 'v' },
      { $set: { 'x.y': 'z' }, $unset: { gone: '' }, $inc: { a: 2, fresh: 1 }, $push: { list: { $each: [2, 3], $slice: -2 } }, $addToSet: { set: 'q' }, $min: { s: 3 }, $rename: { old: 'renamed' } },
      false,
    );
    expect(out).toEqual({ _id: 1, a: new Int32(3), list: [2, 3], s: 3, x: { y: 'z' }, fresh: 1, set: ['q'], renamed: 'v' });
  });

  it('keeps number types as the server does ($inc of int32 overflowing becomes a long)', () => {
    const out = applyUpdate({ _id: 1, a: new Int32(2147483647) }, { $inc: { a: 1 } }, false);
    expect(out.a).toBeInstanceOf(Long);
    expect(applyUpdate({ _id: 1, d: new Double(1.5) }, { $inc: { d: 1 } }, false).d).toEqual(new Double(2.5));
  });

  it('refuses to change _id and unknown modifiers', () => {
    expect(() => applyUpdate({ _id: 1 }, { $set: { _id: 2 } }, false)).toThrow(/immutable/);
    expect(() => applyUpdate({ _id: 1 }, { $bogus: { a: 1 } }, false)).toThrow(/Unknown modifier/);
  });

  it('a replacement keeps _id', () => {
    expect(applyUpdate({ _id: 7, a: 1 }, { b: 2 }, false)).toEqual({ _id: 7, b: 2 });
  });

  it('produces a $v:2 diff that reproduces the document when applied', () => {
    const before = { _id: 1, a: 1, b: 'keep', c: [1, 2], gone: 1 };
    const after = applyUpdate(before, { $set: { a: 2, n: { x: 1 } }, $push: { c: 3 }, $unset: { gone: 1 } }, false);
    const o = topLevelDiff(before, after)!;
    expect(o).toEqual({ $v: 2, diff: { d: { gone: false }, u: { a: 2, c: [1, 2, 3] }, i: { n: { x: 1 } } } });
    expect(updatedDocument(before, o, { _id: 1 })).toEqual(after);
    expect(topLevelDiff(after, after)).toBeNull();
  });

  it('a dotted-path update is written as nested s<field> sections, and the diff reproduces the document', () => {
    const before = { _id: 1, nested: { a: { b: 1 }, keep: true }, top: 1 };
    const after = applyUpdate(before, { $set: { 'nested.a.c': 2 }, $unset: { 'nested.keep': '' } }, false);
    const o = topLevelDiff(before, after)!;
    expect(o).toEqual({ $v: 2, diff: { snested: { d: { keep: false }, sa: { i: { c: 2 } } } } });
    expect(updatedDocument(before, o, { _id: 1 })).toEqual(after);
  });

  it('applies nested and array sub-diffs as the server writes them', () => {
    const target = { _id: 1, a: { b: 1, c: 2 }, arr: [1, 2, 3] };
    applyDiff(target, { sa: { u: { b: 5 }, d: { c: false } }, sarr: { a: true, l: 2, u1: 9 } });
    expect(target).toEqual({ _id: 1, a: { b: 5 }, arr: [1, 9] });
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize, CanonicalJsonError, isCanonical } from '../../../src/shared/canonical-json';

describe('canonicalize', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalize({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -0 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0}}');
    // RFC 8785 §3.2.3: "\u20ac" (€) sorts after "\r" and before the emoji's surrogate pair, by UTF-16 units.
    expect(canonicalize({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, ö: 5 })).toBe('{"\\r":2,"1":4,"ö":5,"€":1,"😀":3}');
  });

  it('writes numbers in their shortest ECMAScript form (RFC 8785 samples)', () => {
    expect(canonicalize([1e21, 1e-7, 333333333.3333333, 4.5, 0.002, 1e23, -0, 9007199254740991])).toBe('[1e+21,1e-7,333333333.3333333,4.5,0.002,1e+23,0,9007199254740991]');
  });

  it('escapes strings as JSON does, keeping non-ASCII as is', () => {
    expect(canonicalize('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\u0001é"');
  });

  it.each([
    ['NaN', { a: NaN }, '.a'],
    ['Infinity', [1, Infinity], '[1]'],
    ['undefined property', { a: { b: undefined } }, '.a.b'],
    ['undefined element', [undefined], '[0]'],
    ['function', { f: () => 1 }, '.f'],
    ['bigint', { n: 1n }, '.n'],
    ['symbol', [Symbol('s')], '[0]'],
    ['Date', { d: new Date(0) }, '.d'],
    ['Map', new Map(), ''],
    ['lone surrogate', { s: '\ud800x' }, '.s'],
    ['array hole', [1, , 3], '[1]'],
  ])('refuses %s, naming the path', (_name, value, path) => {
    try {
      canonicalize(value);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CanonicalJsonError);
      expect((err as CanonicalJsonError).path).toBe(path);
    }
  });

  it('refuses cycles but accepts shared references', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalize(a)).toThrow(/cycle/);
    const shared = { x: 1 };
    expect(canonicalize({ p: shared, q: shared })).toBe('{"p":{"x":1},"q":{"x":1}}');
  });

  it('gives UTF-8 bytes and recognizes canonical text', () => {
    expect(Buffer.from(canonicalBytes({ é: 1 })).toString('hex')).toBe(Buffer.from('{"é":1}').toString('hex'));
    expect(isCanonical('{"a":1,"b":2}')).toBe(true);
    expect(isCanonical('{"b":2,"a":1}')).toBe(false);
    expect(isCanonical('{"a": 1}')).toBe(false);
    expect(isCanonical('{"a":1,"a":1}')).toBe(false);
    expect(isCanonical('{"a":1.0}')).toBe(false);
    expect(isCanonical('not json')).toBe(false);
  });
});

describe('canonicalize with undefined properties omitted', () => {
  it('leaves out undefined properties (as JSON.stringify does) and still refuses what JSON cannot hold', () => {
    expect(canonicalize({ b: 1, a: undefined, c: { e: undefined, d: [1, 'x'] } }, { undefinedProperties: 'omit' })).toBe('{"b":1,"c":{"d":[1,"x"]}}');
    expect(() => canonicalize({ a: [undefined] }, { undefinedProperties: 'omit' })).toThrow(/\[0\]/);
    expect(() => canonicalize({ a: Number.NaN }, { undefinedProperties: 'omit' })).toThrow(/NaN/);
    expect(() => canonicalize({ a: undefined })).toThrow(/\.a/);
  });
});

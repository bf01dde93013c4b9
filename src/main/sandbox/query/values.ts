import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, type Document } from 'bson';

/**
 * BSON values as the sandbox keeps them: exact wrapper types (Int32, Double, Long) next to plain JS values.
 * These helpers give them one ordering and equality, the server's (manual: "Comparison/Sort Order").
 */
export function bsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') {
    const t = (v as { _bsontype?: string })._bsontype;
    switch (t) {
      case 'Int32':
      case 'Double':
      case 'Long':
      case 'Decimal128':
        return 'number';
      case 'ObjectId':
        return 'objectId';
      case 'Timestamp':
        return 'timestamp';
      case 'Binary':
        return 'binData';
      case 'MinKey':
        return 'minKey';
      case 'MaxKey':
        return 'maxKey';
      case 'BSONRegExp':
        return 'regex';
      case 'BSONSymbol':
        return 'string';
      case undefined:
        return 'object';
      default:
        return t.toLowerCase();
    }
  }
  return 'object';
}

const TYPE_ORDER: Record<string, number> = {
  minKey: 0, null: 1, number: 2, string: 3, object: 4, array: 5, binData: 6, objectId: 7, bool: 8, date: 9, timestamp: 10, regex: 11, maxKey: 100,
};

export function isNumeric(v: unknown): boolean {
  return bsonTypeOf(v) === 'number';
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number(v.toString());
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  if (t === 'Int32' || t === 'Double') return (v as { value: number }).value;
  if (t === 'Long') return (v as Long).toNumber();
  return NaN;
}

function compareNumbers(a: unknown, b: unknown): number {
  if (a instanceof Long && b instanceof Long) return a.compare(b);
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function compareValues(a: unknown, b: unknown): number {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  const oa = TYPE_ORDER[ta] ?? 50;
  const ob = TYPE_ORDER[tb] ?? 50;
  if (oa !== ob) return oa < ob ? -1 : 1;
  switch (ta) {
    case 'null':
    case 'minKey':
    case 'maxKey':
      return 0;
    case 'number':
      return compareNumbers(a, b);
    case 'string': {
      const x = String(a);
      const y = String(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'bool':
      return a === b ? 0 : a ? 1 : -1;
    case 'date':
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 'objectId':
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 'timestamp':
      return (a as Timestamp).compare(b as Timestamp);
    case 'binData': {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return x.position < y.position ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(x.value(), y.value());
    }
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return Math.sign(x.length - y.length);
    }
    case 'object': {
      const x = Object.entries(a as Document);
      const y = Object.entries(b as Document);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i][1], y[i][1]) || (x[i][0] < y[i][0] ? -1 : x[i][0] > y[i][0] ? 1 : 0);
        if (c !== 0) return c;
      }
      return Math.sign(x.length - y.length);
    }
    default:
      return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** A stable string key for an _id value, so 1, 1.0 and NumberLong(1) are the same document, as on the server. */
export function idKey(v: unknown): string {
  const t = bsonTypeOf(v);
  switch (t) {
    case 'objectId':
      return `o:${(v as ObjectId).toHexString()}`;
    case 'string':
      return `s:${String(v)}`;
    case 'number':
      return `n:${toNumber(v)}`;
    case 'null':
      return 'null';
    case 'bool':
      return `b:${String(v)}`;
    case 'date':
      return `d:${(v as Date).getTime()}`;
    case 'binData':
      return `x:${(v as Binary).sub_type}:${Buffer.from((v as Binary).value()).toString('hex')}`;
    case 'array':
      return `a:[${(v as unknown[]).map(idKey).join(',')}]`;
    case 'object':
      return `{${Object.entries(v as Document).map(([k, x]) => `${JSON.stringify(k)}:${idKey(x)}`).join(',')}}`;
    case 'timestamp':
      return `t:${(v as Timestamp).toString()}`;
    default:
      return `${t}:${String(v)}`;
  }
}

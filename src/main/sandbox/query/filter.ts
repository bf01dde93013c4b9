import { BSONRegExp, type Document } from 'bson';
import { CommandError } from '../errors';
import { bsonTypeOf, compareValues, toNumber, valuesEqual } from './values';

/**
 * Query filters (manual: "Query Predicates"): implicit equality, $eq $ne $gt $gte $lt $lte $in $nin $exists
 * $and $or $nor $not $regex $size $all $elemMatch, with the server's array-traversal rules.
 */
export type Filter = Document;

const MISSING = Symbol('missing');

/** Every value a dotted path reaches, descending through arrays the way the server does. */
export function pathValues(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (doc === null || typeof doc !== 'object') return [MISSING];
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const out: unknown[] = [];
    if (/^\d+$/.test(head)) out.push(...pathValues(doc[Number(head)] === undefined ? MISSING : doc[Number(head)], rest));
    for (const el of doc) if (el !== null && typeof el === 'object') out.push(...pathValues(el, path).filter((v) => v !== MISSING));
    return out.length ? out : [MISSING];
  }
  const next = (doc as Document)[head];
  if (next === undefined) return [MISSING];
  if (rest.length === 0) return [next];
  return pathValues(next, rest);
}

/** Leaf candidates: the value itself and, if it is an array, each element. */
function candidates(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    out.push(v);
    if (Array.isArray(v)) out.push(...v);
  }
  return out;
}

function sameBracket(a: unknown, b: unknown): boolean {
  return bsonTypeOf(a) === bsonTypeOf(b);
}

function toRegExp(v: unknown, options?: unknown): RegExp {
  if (v instanceof RegExp) return v;
  if (v instanceof BSONRegExp) return new RegExp(v.pattern, v.options.replace(/[^imsu]/g, ''));
  if (typeof v === 'string') return new RegExp(v, typeof options === 'string' ? options.replace(/[^imsu]/g, '') : undefined);
  throw new CommandError('BadValue', '$regex has to be a string or a regular expression');
}

function isOperatorObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || bsonTypeOf(v) !== 'object') return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0].startsWith('$');
}

function matchOperator(op: string, arg: unknown, values: unknown[], opDoc: Document): boolean {
  const present = values.filter((v) => v !== MISSING);
  const leaves = candidates(present);
  switch (op) {
    case '$eq':
      return arg === null ? present.length === 0 || leaves.some((v) => v === null) : leaves.some((v) => valuesEqual(v, arg));
    case '$ne':
      return !matchOperator('$eq', arg, values, opDoc);
    case '$gt':
      return leaves.some((v) => sameBracket(v, arg) && compareValues(v, arg) > 0);
    case '$gte':
      return leaves.some((v) => sameBracket(v, arg) && compareValues(v, arg) >= 0);
    case '$lt':
      return leaves.some((v) => sameBracket(v, arg) && compareValues(v, arg) < 0);
    case '$lte':
      return leaves.some((v) => sameBracket(v, arg) && compareValues(v, arg) <= 0);
    case '$in':
      if (!Array.isArray(arg)) throw new CommandError('BadValue', '$in needs an array');
      return arg.some((a) => (a instanceof RegExp || a instanceof BSONRegExp ? leaves.some((v) => typeof v === 'string' && toRegExp(a).test(v)) : matchOperator('$eq', a, values, opDoc)));
    case '$nin':
      if (!Array.isArray(arg)) throw new CommandError('BadValue', '$nin needs an array');
      return !matchOperator('$in', arg, values, opDoc);
    case '$exists':
      return (present.length > 0) === Boolean(typeof arg === 'object' && arg !== null ? toNumber(arg) : arg);
    case '$regex': {
      const re = toRegExp(arg, opDoc.$options);
      return leaves.some((v) => typeof v === 'string' && re.test(v));
    }
    case '$options':
      return true;
    case '$size':
      return present.some((v) => Array.isArray(v) && v.length === toNumber(arg));
    case '$all':
      if (!Array.isArray(arg)) throw new CommandError('BadValue', '$all needs an array');
      return arg.length > 0 && arg.every((a) => matchOperator('$eq', a, values, opDoc));
    case '$elemMatch': {
      const sub = arg as Document;
      const opStyle = isOperatorObject(sub);
      return present.some((v) => Array.isArray(v) && v.some((el) => (opStyle ? matchField([el], sub) : matches(el as Document, sub))));
    }
    case '$not':
      return !matchField(values, arg instanceof RegExp || arg instanceof BSONRegExp ? { $regex: arg } : (arg as Document));
    case '$type': {
      const want = Array.isArray(arg) ? arg : [arg];
      return leaves.some((v) => want.some((w) => bsonTypeOf(v) === (typeof w === 'string' ? (w === 'int' || w === 'long' || w === 'double' || w === 'decimal' ? 'number' : w) : bsonTypeOf(v))));
    }
    default:
      throw new CommandError('BadValue', `unknown operator: ${op}`);
  }
}

function matchField(values: unknown[], cond: unknown): boolean {
  if (isOperatorObject(cond)) return Object.entries(cond).every(([op, arg]) => matchOperator(op, arg, values, cond));
  if (cond instanceof RegExp || cond instanceof BSONRegExp) return matchOperator('$regex', cond, values, {});
  return matchOperator('$eq', cond, values, {});
}

export function matches(doc: Document, filter: Filter): boolean {
  if (doc === null || typeof doc !== 'object') return false;
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) throw new CommandError('BadValue', `${key} must be a nonempty array`);
      const subs = cond as Document[];
      if (key === '$and' && !subs.every((f) => matches(doc, f))) return false;
      if (key === '$or' && !subs.some((f) => matches(doc, f))) return false;
      if (key === '$nor' && subs.some((f) => matches(doc, f))) return false;
      continue;
    }
    if (key === '$comment') continue;
    if (key.startsWith('$')) throw new CommandError('BadValue', `unknown top level operator: ${key}`);
    if (!matchField(pathValues(doc, key.split('.')), cond)) return false;
  }
  return true;
}

/** The _id an equality filter pins down, so lookups by _id skip the scan. */
export function idFromFilter(filter: Filter): { id: unknown } | null {
  if (!('_id' in filter)) return null;
  const cond = filter._id;
  if (isOperatorObject(cond)) {
    const keys = Object.keys(cond);
    if (keys.length === 1 && keys[0] === '$eq') return { id: cond.$eq };
    return null;
  }
  if (cond instanceof RegExp || cond instanceof BSONRegExp) return null;
  return { id: cond };
}

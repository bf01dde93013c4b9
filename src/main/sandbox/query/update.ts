import { Double, Int32, Long, type Document } from 'bson';
import { CommandError } from '../errors';
import { bsonTypeOf, compareValues, toNumber, valuesEqual } from './values';

/**
 * Update documents (manual: "Update Operators"): replacement, or $set $unset $inc $mul $min $max $push
 * ($each, $slice) $addToSet $pull $rename $currentDate $setOnInsert on dotted paths.
 */
export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0].startsWith('$');
}

/** A deep copy that keeps BSON wrapper objects (ObjectId, Long, ...) intact. */
export function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  if (v !== null && typeof v === 'object' && bsonTypeOf(v) === 'object') {
    const out: Document = {};
    for (const [k, x] of Object.entries(v as Document)) out[k] = cloneValue(x);
    return out as T;
  }
  return v;
}

function parent(doc: Document, path: string, create: boolean): { holder: Document | unknown[]; key: string } | null {
  const parts = path.split('.');
  let cur: Document | unknown[] = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    let next = Array.isArray(cur) ? cur[Number(k)] : (cur as Document)[k];
    if (next === undefined || next === null) {
      if (!create) return null;
      next = {};
      if (Array.isArray(cur)) cur[Number(k)] = next;
      else (cur as Document)[k] = next;
    }
    if (typeof next !== 'object') {
      if (!create) return null;
      throw new CommandError('BadValue', `Cannot create field '${parts[i + 1]}' in element {${k}: ${String(next)}}`);
    }
    cur = next as Document | unknown[];
  }
  return { holder: cur, key: parts[parts.length - 1] };
}

function getPath(doc: Document, path: string): unknown {
  const p = parent(doc, path, false);
  if (!p) return undefined;
  return Array.isArray(p.holder) ? p.holder[Number(p.key)] : (p.holder as Document)[p.key];
}

function setPath(doc: Document, path: string, value: unknown): void {
  const p = parent(doc, path, true)!;
  if (Array.isArray(p.holder)) p.holder[Number(p.key)] = value;
  else (p.holder as Document)[p.key] = value;
}

function unsetPath(doc: Document, path: string): void {
  const p = parent(doc, path, false);
  if (!p) return;
  if (Array.isArray(p.holder)) p.holder[Number(p.key)] = null;
  else delete (p.holder as Document)[p.key];
}

/** Arithmetic that keeps BSON number types the way the server does (int + int overflowing → long). */
export function addNumbers(a: unknown, b: unknown, mul = false): unknown {
  const ta = (a as { _bsontype?: string })._bsontype;
  const tb = (b as { _bsontype?: string })._bsontype;
  if (ta === 'Double' || tb === 'Double' || typeof a === 'number' && !Number.isInteger(a) || typeof b === 'number' && !Number.isInteger(b)) {
    return new Double(mul ? toNumber(a) * toNumber(b) : toNumber(a) + toNumber(b));
  }
  if (ta === 'Long' || tb === 'Long') {
    const la = Long.fromValue(a instanceof Long ? a : toNumber(a));
    const lb = Long.fromValue(b instanceof Long ? b : toNumber(b));
    return mul ? la.multiply(lb) : la.add(lb);
  }
  const r = mul ? toNumber(a) * toNumber(b) : toNumber(a) + toNumber(b);
  return r >= -2147483648 && r <= 2147483647 ? new Int32(r) : Long.fromNumber(r);
}

function requireNumber(op: string, path: string, v: unknown): void {
  if (bsonTypeOf(v) !== 'number') throw new CommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type at '${path}'`);
}

export function applyUpdate(original: Document, update: Document, isInsert: boolean): Document {
  if (!isOperatorUpdate(update)) {
    for (const k of Object.keys(update)) if (k.startsWith('$')) throw new CommandError('BadValue', `replacement document must not contain operators ("${k}")`);
    const out: Document = { _id: original._id, ...cloneValue(update) };
    if (update._id !== undefined && !valuesEqual(update._id, original._id) && !isInsert)
      throw new CommandError('ImmutableField', "After applying the update, the (immutable) field '_id' was found to have been altered");
    if (update._id !== undefined) out._id = update._id;
    return out;
  }
  const doc = cloneValue(original);
  for (const [op, fields] of Object.entries(update)) {
    if (fields === null || typeof fields !== 'object') throw new CommandError('FailedToParse', `Modifiers operate on fields but we found type ${bsonTypeOf(fields)} instead`);
    for (const [path, arg] of Object.entries(fields as Document)) {
      if (path === '_id' && op !== '$setOnInsert' && !(op === '$set' && valuesEqual(arg, original._id)))
        throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
      const cur = getPath(doc, path);
      switch (op) {
        case '$set':
          setPath(doc, path, cloneValue(arg));
          break;
        case '$setOnInsert':
          if (isInsert) setPath(doc, path, cloneValue(arg));
          break;
        case '$unset':
          unsetPath(doc, path);
          break;
        case '$inc':
        case '$mul':
          requireNumber(op, path, arg);
          if (cur !== undefined) requireNumber(op, path, cur);
          setPath(doc, path, cur === undefined ? (op === '$inc' ? arg : addNumbers(arg, 0, true)) : addNumbers(cur, arg, op === '$mul'));
          break;
        case '$min':
          if (cur === undefined || compareValues(arg, cur) < 0) setPath(doc, path, cloneValue(arg));
          break;
        case '$max':
          if (cur === undefined || compareValues(arg, cur) > 0) setPath(doc, path, cloneValue(arg));
          break;
        case '$currentDate':
          setPath(doc, path, new Date());
          break;
        case '$rename':
          if (typeof arg !== 'string') throw new CommandError('BadValue', '$rename target must be a string');
          if (cur !== undefined) {
            unsetPath(doc, path);
            setPath(doc, arg, cur);
          }
          break;
        case '$push':
        case '$addToSet': {
          if (cur !== undefined && !Array.isArray(cur)) throw new CommandError('BadValue', `The field '${path}' must be an array but is of type ${bsonTypeOf(cur)}`);
          const arr = cur === undefined ? [] : (cur as unknown[]);
          const each = arg !== null && typeof arg === 'object' && '$each' in (arg as Document) ? ((arg as Document).$each as unknown[]) : [arg];
          for (const v of each) if (op === '$push' || !arr.some((x) => valuesEqual(x, v))) arr.push(cloneValue(v));
          const slice = op === '$push' && arg !== null && typeof arg === 'object' ? (arg as Document).$slice : undefined;
          if (slice !== undefined) {
            const n = toNumber(slice);
            arr.splice(0, arr.length, ...(n >= 0 ? arr.slice(0, n) : arr.slice(n)));
          }
          setPath(doc, path, arr);
          break;
        }
        case '$pull':
          if (Array.isArray(cur)) setPath(doc, path, cur.filter((x) => !valuesEqual(x, arg)));
          break;
        default:
          throw new CommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
      }
    }
  }
  return doc;
}

function sameValue(a: unknown, b: unknown): boolean {
  return valuesEqual(a, b) && bsonTypeOf(a) === bsonTypeOf(b) && (a as { _bsontype?: string })?._bsontype === (b as { _bsontype?: string })?._bsontype;
}

/** One level of a $v:2 diff: "d" removed fields, "u" replaced values, "i" new fields, "s<field>" sub-diffs. */
function objectDiff(before: Document, after: Document): Document | null {
  const u: Document = {};
  const i: Document = {};
  const d: Document = {};
  const sub: Document = {};
  let changed = false;
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) {
      i[k] = v;
      changed = true;
    } else if (!sameValue(before[k], v)) {
      // Both sides sub-documents: a nested section, as mongod writes for dotted-path updates.
      const nested = bsonTypeOf(before[k]) === 'object' && bsonTypeOf(v) === 'object' && !(before[k] as { _bsontype?: string })._bsontype && !(v as { _bsontype?: string })._bsontype ? objectDiff(before[k] as Document, v as Document) : null;
      if (nested) sub[`s${k}`] = nested;
      else u[k] = v;
      changed = true;
    }
  }
  for (const k of Object.keys(before)) {
    if (!(k in after)) {
      d[k] = false;
      changed = true;
    }
  }
  if (!changed) return null;
  const diff: Document = {};
  if (Object.keys(d).length) diff.d = d;
  if (Object.keys(u).length) diff.u = u;
  if (Object.keys(i).length) diff.i = i;
  Object.assign(diff, sub);
  return diff;
}

/**
 * The oplog "o" of an update in the server's $v:2 delta format (document_diff_serialization.cpp): "u" for
 * changed fields, "i" for new ones, "d" for removed ones, "s<field>" for changes inside a sub-document.
 * Arrays that change are replaced whole ("u"). Null when nothing changed (the server logs no entry then).
 */
export function topLevelDiff(before: Document, after: Document): Document | null {
  const diff = objectDiff(before, after);
  return diff ? { $v: 2, diff } : null;
}

import type { Document } from 'bson';
import { CommandError } from '../errors';
import { pathValues } from './filter';
import { cloneValue } from './update';
import { bsonTypeOf, compareValues, toNumber } from './values';

/** Sorting and projection of query results (manual: cursor.sort, "Project Fields to Return from Query"). */
function sortKey(doc: Document, path: string, direction: number): unknown {
  const values = pathValues(doc, path.split('.')).filter((v) => typeof v !== 'symbol');
  if (values.length === 0) return null;
  const flat = values.flatMap((v) => (Array.isArray(v) ? (v.length ? v : [undefined]) : [v])).map((v) => (v === undefined ? null : v));
  // An array sorts by its smallest element ascending and its largest descending, as on the server.
  return flat.reduce((best, v) => (compareValues(v, best) * direction < 0 ? v : best));
}

export function sortDocuments(docs: Document[], sort: Document): Document[] {
  const keys = Object.entries(sort).map(([path, dir]) => {
    const d = typeof dir === 'object' && dir !== null && '$meta' in (dir as Document) ? 1 : toNumber(dir);
    if (d !== 1 && d !== -1) throw new CommandError('BadValue', `bad sort specification for "${path}": use 1 or -1`);
    return { path, dir: d };
  });
  if (keys.length === 0) return docs;
  const decorated = docs.map((doc) => ({ doc, k: keys.map((k) => sortKey(doc, k.path, k.dir)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.k[i], b.k[i]);
      if (c !== 0) return c * keys[i].dir;
    }
    return 0;
  });
  return decorated.map((d) => d.doc);
}

function isTruthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  const n = toNumber(v);
  return Number.isNaN(n) ? true : n !== 0;
}

function pick(src: Document, parts: string[], dst: Document): void {
  const [head, ...rest] = parts;
  if (!(head in src)) return;
  const v = src[head];
  if (rest.length === 0) {
    dst[head] = v;
    return;
  }
  if (Array.isArray(v)) {
    const out = (Array.isArray(dst[head]) ? dst[head] : []) as Document[];
    v.forEach((el, i) => {
      if (bsonTypeOf(el) === 'object') {
        out[i] = out[i] ?? {};
        pick(el as Document, rest, out[i]);
      }
    });
    dst[head] = out.filter((x) => x !== undefined);
  } else if (bsonTypeOf(v) === 'object') {
    const sub = (dst[head] as Document) ?? {};
    pick(v as Document, rest, sub);
    dst[head] = sub;
  }
}

function drop(doc: Document, parts: string[]): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    delete doc[head];
    return;
  }
  const v = doc[head];
  if (Array.isArray(v)) v.forEach((el) => el && typeof el === 'object' && drop(el as Document, rest));
  else if (v && typeof v === 'object') drop(v as Document, rest);
}

/** Inclusion ({a: 1}) or exclusion ({a: 0}) projection; _id is kept unless excluded. */
export function project(doc: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const entries = Object.entries(projection);
  const nonId = entries.filter(([k]) => k !== '_id');
  const inclusion = nonId.length > 0 ? isTruthy(nonId[0][1]) : isTruthy(projection._id);
  for (const [k, v] of nonId) {
    if (typeof v === 'object' && v !== null && Object.keys(v as Document)[0]?.startsWith('$'))
      throw new CommandError('BadValue', `projection operator ${Object.keys(v as Document)[0]} on "${k}" is not supported by the sandbox`);
    if (isTruthy(v) !== inclusion) throw new CommandError('BadValue', `Cannot mix inclusion and exclusion in one projection (field "${k}")`);
  }
  const idWanted = projection._id === undefined ? true : isTruthy(projection._id);
  if (inclusion) {
    const out: Document = {};
    if (idWanted && '_id' in doc) out._id = doc._id;
    for (const [k] of nonId) pick(doc, k.split('.'), out);
    return out;
  }
  const out: Document = cloneValue(doc);
  for (const [k] of nonId) drop(out, k.split('.'));
  if (!idWanted) delete out._id;
  return out;
}

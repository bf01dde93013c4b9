import { Timestamp, type Document } from 'bson';
import { CommandError } from '../errors';
import type { Member } from '../member';
import type { Collection } from '../member-store';
import { decodeSlot, tsToBig } from '../oplog';
import { idFromFilter, matches } from '../query/filter';
import { project, sortDocuments } from '../query/shape';
import { toNumber } from '../query/values';
import { viewDefinition } from '../views';
import { runPipeline } from './aggregate';

export const OPLOG_NS = 'local.oplog.rs';

export interface QuerySpec {
  filter: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/** The oplog scan: {ts: {$gt|$gte: T}} starts by binary search, in ts order; $natural: -1 reverses. */
function oplogDocuments(m: Member, filter: Document, reverse: boolean): Document[] {
  const oplog = m.store!.oplog;
  let slots = oplog.all();
  const ts = filter.ts;
  if (ts && typeof ts === 'object' && !(ts instanceof Timestamp)) {
    const cond = ts as Document;
    if (cond.$gt instanceof Timestamp) slots = oplog.since(tsToBig(cond.$gt), false);
    else if (cond.$gte instanceof Timestamp) slots = oplog.since(tsToBig(cond.$gte), true);
  }
  if (reverse) slots = slots.reverse();
  const out: Document[] = [];
  for (const s of slots) {
    const doc = decodeSlot(s);
    if (matches(doc, filter)) out.push(doc);
  }
  return out;
}

function naturalDirection(sort: Document | undefined): number | null {
  if (!sort) return null;
  const keys = Object.keys(sort);
  return keys.length === 1 && keys[0] === '$natural' ? toNumber(sort.$natural) : null;
}

/** Runs a query against one member's data: the matching documents, sorted, skipped, limited and projected. */
/** A filter or sort that names no field but _id (empty included). */
function onlyId(d: Document | undefined): boolean {
  return !d || Object.keys(d).every((k) => k === '_id');
}

/**
 * A query that looks at _id alone (a range of _ids, an _id-ordered walk with skip): matched and ordered on the
 * decoded _id values, and only the documents returned are decoded — what mongod's _id index gives it, and
 * what lets a baseline's range parts and their boundaries be read without decoding every document each time.
 * The same matcher and sort order as the general path, so the answers are the same.
 */
function byIdOnly(coll: Collection, q: QuerySpec, sort: Document | undefined, reverse: boolean): Document[] {
  const dir = sort ? toNumber(sort._id) : 0;
  // A walk of every _id in order (a baseline's boundaries): one sort for as long as the ids stay the same.
  if (Object.keys(q.filter).length === 0 && (dir === 1 || dir === -1)) return fromOrder(coll, q, dir);
  const keyOf = new Map<Document, string>();
  let hits: Document[] = [];
  for (const [key, id] of coll.ids) {
    const d = { _id: id };
    if (!matches(d, q.filter)) continue;
    keyOf.set(d, key);
    hits.push(d);
  }
  if (reverse) hits.reverse();
  if (sort && Object.keys(sort).length) hits = sortDocuments(hits, sort);
  const skip = q.skip ?? 0;
  const limit = q.limit ?? 0;
  if (skip > 0 || limit > 0) hits = hits.slice(skip, limit > 0 ? skip + limit : undefined);
  const docs = hits.map((h) => coll.byKey(keyOf.get(h)!)).filter((d): d is Document => d !== null);
  return q.projection ? docs.map((d) => project(d, q.projection)) : docs;
}

function fromOrder(coll: Collection, q: QuerySpec, dir: 1 | -1): Document[] {
  if (!coll.idOrder) {
    const keyOf = new Map<Document, string>();
    const docs = [...coll.ids].map(([key, id]) => {
      const d = { _id: id };
      keyOf.set(d, key);
      return d;
    });
    coll.idOrder = { docs: sortDocuments(docs, { _id: 1 }), keyOf };
  }
  const { docs: ordered, keyOf } = coll.idOrder;
  const skip = q.skip ?? 0;
  const limit = q.limit ?? 0;
  const n = ordered.length;
  const from = Math.min(n, skip);
  const to = limit > 0 ? Math.min(n, skip + limit) : n;
  const picked: Document[] = [];
  for (let i = from; i < to; i++) picked.push(ordered[dir === 1 ? i : n - 1 - i]);
  const docs = picked.map((h) => coll.byKey(keyOf.get(h)!)).filter((d): d is Document => d !== null);
  return q.projection ? docs.map((d) => project(d, q.projection)) : docs;
}

export function runQuery(m: Member, ns: string, q: QuerySpec): Document[] {
  if (!m.store) throw new CommandError('NotPrimaryOrSecondary', 'node is not in primary or recovering state');
  const natural = naturalDirection(q.sort);
  const sort = natural === null ? q.sort : undefined;
  let docs: Document[];
  if (ns === OPLOG_NS) {
    docs = oplogDocuments(m, q.filter, natural === -1);
  } else if (viewDefinition(m.store, ns)) {
    // A read on a view runs its pipeline over the source collection (or view), then the query.
    const view = viewDefinition(m.store, ns)!;
    docs = runPipeline(runQuery(m, view.viewOn, { filter: {} }), view.pipeline).filter((d) => matches(d, q.filter));
  } else {
    const coll = m.store.collection(ns);
    docs = [];
    if (coll && onlyId(q.filter) && (!sort || onlyId(sort))) return byIdOnly(coll, q, sort, natural === -1);
    if (coll) {
      const byId = idFromFilter(q.filter);
      if (byId) {
        const d = coll.get(byId.id);
        if (d && matches(d, q.filter)) docs.push(d);
      } else {
        for (const d of coll.scan()) if (matches(d, q.filter)) docs.push(d);
      }
      if (natural === -1) docs.reverse();
    }
  }
  if (sort && Object.keys(sort).length) docs = sortDocuments(docs, sort);
  const skip = q.skip ?? 0;
  const limit = q.limit ?? 0;
  if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  return q.projection ? docs.map((d) => project(d, q.projection)) : docs;
}

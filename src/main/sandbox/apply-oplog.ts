import { Timestamp, UUID, type Document } from 'bson';
import { decodeSlot, tsToBig } from './oplog';
import { CommandError } from './errors';
import type { MemberStore } from './member-store';
import { applyUpdate, isOperatorUpdate } from './query/update';
import { toNumber } from './query/values';

/**
 * Applies oplog entries the way secondaries and `applyOps` (mongorestore --oplogReplay) do: idempotently,
 * so an entry applied twice leaves the same data. Inserts upsert, updates use the $v:2 delta format (or a
 * replacement / $set-$unset document), deletes ignore missing documents.
 */
export function applyDiff(target: Document | unknown[], diff: Document): void {
  if (Array.isArray(target)) {
    if (diff.l !== undefined) target.length = toNumber(diff.l);
    for (const [k, v] of Object.entries(diff)) {
      if (k === 'a' || k === 'l') continue;
      const idx = Number(k.slice(1));
      if (k[0] === 'u') target[idx] = v;
      else if (k[0] === 's') applyDiff(target[idx] as Document, v as Document);
    }
    return;
  }
  for (const [section, fields] of Object.entries(diff)) {
    if (section === 'd') for (const k of Object.keys(fields as Document)) delete target[k];
    else if (section === 'u' || section === 'i') Object.assign(target, fields as Document);
    else if (section.startsWith('s')) {
      const key = section.slice(1);
      const sub = fields as Document;
      if (target[key] === undefined || target[key] === null || typeof target[key] !== 'object') target[key] = sub.a ? [] : {};
      applyDiff(target[key] as Document, sub);
    } else throw new CommandError('BadValue', `unknown $v:2 diff section "${section}"`);
  }
}

/** The document an update entry produces from the current one (null: nothing to update). */
export function updatedDocument(current: Document | null, o: Document, o2: Document): Document | null {
  if (o.$v !== undefined && toNumber(o.$v) === 2) {
    if (!current) return null;
    const next = { ...current };
    applyDiff(next, o.diff as Document);
    return next;
  }
  if (!isOperatorUpdate(o)) return { ...o, _id: o2._id };
  if (!current) return null;
  const ops: Document = {};
  for (const [k, v] of Object.entries(o)) if (k !== '$v') ops[k] = v;
  return applyUpdate(current, ops, false);
}

export interface ApplyResult {
  /** For retryable-write bookkeeping (findAndModify retries): the document before and after. */
  preImage?: Document | null;
  postImage?: Document | null;
}

function addIndex(store: MemberStore, ns: string, spec: Document): void {
  const { coll } = store.ensureCollection(ns);
  const name = String(spec.name);
  if (!coll.indexes.some((ix) => ix.name === name))
    coll.indexes.push({ v: 2, key: spec.key as Document, name, ...(spec.unique ? { unique: true } : {}), ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: toNumber(spec.expireAfterSeconds) } : {}) });
}

/** collMod's index change (a TTL's expireAfterSeconds, hidden), found by name or key pattern. */
export function modifyIndex(store: MemberStore, ns: string, change: Document): void {
  const coll = store.collection(ns);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ns}`);
  const ix = coll.indexes.find((i) => (change.name !== undefined ? i.name === change.name : JSON.stringify(i.key) === JSON.stringify(change.keyPattern)));
  if (!ix) throw new CommandError('IndexNotFound', `cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${ns}`);
  if (change.expireAfterSeconds !== undefined) ix.expireAfterSeconds = toNumber(change.expireAfterSeconds);
}

function applyCommand(store: MemberStore, db: string, entry: Document, tolerant: boolean): void {
  const o = entry.o as Document;
  const name = Object.keys(o)[0];
  switch (name) {
    case 'create': {
      const { coll } = store.ensureCollection(`${db}.${String(o.create)}`, entry.ui instanceof UUID ? entry.ui : undefined);
      if (o.capped === true) coll.options = { capped: true, size: o.size, ...(o.temp === true ? { temp: true } : {}) };
      // A time-series' buckets collection keeps its options, as listCollections reports them.
      if (o.timeseries !== undefined) coll.options = { ...coll.options, timeseries: o.timeseries, ...(o.clusteredIndex !== undefined ? { clusteredIndex: o.clusteredIndex } : {}) };
      return;
    }
    case 'drop':
      store.dropCollection(`${db}.${String(o.drop)}`);
      return;
    case 'dropDatabase':
      store.dropDatabase(db);
      return;
    case 'createIndexes':
      addIndex(store, `${db}.${String(o.createIndexes)}`, o);
      return;
    case 'startIndexBuild':
    case 'abortIndexBuild':
      return;
    case 'commitIndexBuild':
      for (const spec of (o.indexes as Document[]) ?? []) addIndex(store, `${db}.${String(o.commitIndexBuild)}`, spec);
      return;
    case 'dropIndexes': {
      const coll = store.collection(`${db}.${String(o.dropIndexes)}`);
      if (coll) {
        const i = coll.indexes.findIndex((ix) => ix.name === o.index);
        if (i > 0) coll.indexes.splice(i, 1);
      }
      return;
    }
    case 'renameCollection':
      store.renameCollection(String(o.renameCollection), String(o.to), o.dropTarget !== undefined && o.dropTarget !== false);
      return;
    case 'collMod':
      if (o.index) modifyIndex(store, `${db}.${String(o.collMod)}`, o.index as Document);
      return;
    case 'applyOps': {
      // A large transaction: partialTxn entries wait for the final entry (with count), which applies the
      // whole chain found through prevOpTime, oldest first, as a secondary does at commit.
      if (o.partialTxn === true) return;
      const chain: Document[][] = [o.applyOps as Document[]];
      if (o.count !== undefined) {
        let prev = entry.prevOpTime as Document | undefined;
        while (prev && prev.ts instanceof Timestamp && !prev.ts.isZero()) {
          const slot = store.oplog.find(tsToBig(prev.ts));
          if (!slot) throw new CommandError('NoSuchKey', `transaction entry ${String(prev.ts)} is no longer in the oplog`);
          const earlier = decodeSlot(slot);
          chain.unshift((earlier.o as Document).applyOps as Document[]);
          prev = earlier.prevOpTime as Document | undefined;
        }
      }
      for (const ops of chain) for (const e of ops) applyEntry(store, e, tolerant);
      return;
    }
    case 'commitTransaction':
    case 'abortTransaction':
      return;
    default:
      throw new CommandError('BadValue', `applyOps: unsupported command "${name}" in oplog entry`);
  }
}

/**
 * tolerant: skip updates of missing documents instead of failing, as a secondary does after a rollback
 * (a later entry deletes the document anyway).
 */
export function applyEntry(store: MemberStore, entry: Document, tolerant = false): ApplyResult {
  const op = entry.op as string;
  const ns = entry.ns as string;
  const o = entry.o as Document;
  switch (op) {
    case 'n':
      return {};
    case 'c':
      applyCommand(store, ns.slice(0, ns.indexOf('.')), entry, tolerant);
      return {};
    case 'i': {
      if (!o || o._id === undefined) throw new CommandError('BadValue', `insert oplog entry on ${ns} has no _id`);
      store.ensureCollection(ns).coll.put(o, false);
      return { postImage: o };
    }
    case 'u': {
      const o2 = entry.o2 as Document;
      if (!o2 || o2._id === undefined) throw new CommandError('BadValue', `update oplog entry on ${ns} has no o2._id`);
      const { coll } = store.ensureCollection(ns);
      const current = coll.get(o2._id);
      const next = updatedDocument(current, o, o2);
      if (!next) {
        if (entry.b === true || tolerant) return { preImage: null, postImage: null };
        throw new CommandError('NoSuchKey', `applyOps: update of ${ns} _id ${String(o2._id)} found no document`);
      }
      coll.put(next, false);
      return { preImage: current, postImage: next };
    }
    case 'd': {
      const coll = store.collection(ns);
      const preImage = coll?.get(o._id) ?? null;
      coll?.remove(o._id);
      return { preImage };
    }
    default:
      throw new CommandError('BadValue', `Enumeration value '${op}' for field 'op' is not a valid value.`);
  }
}

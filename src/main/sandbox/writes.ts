import type { Document } from 'bson';
import type { MemberRuntime } from './commands/context';
import type { Collection } from './member-store';
import type { OpTime } from './oplog';
import { topLevelDiff } from './query/update';
import type { OpEntry } from './replica-set';
import type { Transaction } from './transactions';

/** A writer: a member's runtime, inside a transaction or not. */
type Writer = MemberRuntime & { txn?: Transaction };

/**
 * Logs one CRUD entry, or, inside a transaction, keeps it (without session fields: the commit's applyOps
 * entry carries them) with what undoes it.
 */
function logWrite(rt: Writer, e: OpEntry, coll: Collection, id: unknown, before: Document | null): OpTime {
  if (rt.txn) {
    const { lsid: _l, txnNumber: _t, stmtId: _s, needsRetryImage: _n, ...op } = e;
    rt.txn.record(op, { coll, id, before });
    return rt.member.lastApplied();
  }
  return rt.set.logOp(rt.member, e);
}

/** The retryable-write identity of one statement, copied into its oplog entry. */
export interface StatementId {
  lsid: unknown;
  txnNumber: unknown;
  stmtId: number;
}

function sessionFields(s: StatementId | undefined): Partial<StatementId> {
  return s ? { lsid: s.lsid, txnNumber: s.txnNumber, stmtId: s.stmtId } : {};
}

/**
 * Primary-side writes: change the member's data, then log the matching oplog entry, in the server's order
 * (an implicit collection creation is logged as a "c" create before the first insert).
 */
export function collectionForWrite(rt: MemberRuntime, ns: string): Collection {
  const { coll, created } = rt.member.store!.ensureCollection(ns);
  if (created) {
    const dot = ns.indexOf('.');
    rt.set.logOp(rt.member, { op: 'c', ns: `${ns.slice(0, dot)}.$cmd`, ui: coll.uuid, o: { create: ns.slice(dot + 1), idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } } });
  }
  return coll;
}

export function insertDocument(rt: Writer, ns: string, doc: Document, s?: StatementId): OpTime {
  const coll = collectionForWrite(rt, ns);
  coll.put(doc, true);
  const t = logWrite(rt, { op: 'i', ns, ui: coll.uuid, o: doc, ...sessionFields(s) }, coll, doc._id, null);
  if (s) rt.member.sessions.record(s.lsid, s.txnNumber, s.stmtId, { op: 'i', upsertedId: doc._id });
  rt.member.opcounters.insert++;
  rt.member.metrics.document.inserted++;
  return t;
}

/** Logs nothing (and returns null) when the update changed nothing, as mongod does. */
export function updateDocument(
  rt: Writer,
  ns: string,
  before: Document,
  after: Document,
  replacement: boolean,
  s?: StatementId,
  retryImage?: { kind: 'preImage' | 'postImage'; value: Document | null },
): OpTime | null {
  const coll = collectionForWrite(rt, ns);
  const o = replacement ? after : topLevelDiff(before, after);
  if (!o) return null;
  coll.put(after, false);
  const t = logWrite(
    rt,
    { op: 'u', ns, ui: coll.uuid, o, o2: { _id: before._id }, ...sessionFields(s), ...(retryImage && s ? { needsRetryImage: retryImage.kind } : {}) },
    coll,
    before._id,
    before,
  );
  if (s) rt.member.sessions.record(s.lsid, s.txnNumber, s.stmtId, { op: 'u', image: retryImage?.value });
  rt.member.metrics.document.updated++;
  return t;
}

export function deleteDocument(rt: Writer, ns: string, doc: Document, s?: StatementId, retryImage?: Document): OpTime {
  const coll = rt.member.store!.collection(ns)!;
  const existing = coll.get(doc._id);
  coll.remove(doc._id);
  const t = logWrite(rt, { op: 'd', ns, ui: coll.uuid, o: { _id: doc._id }, ...sessionFields(s), ...(retryImage && s ? { needsRetryImage: 'preImage' as const } : {}) }, coll, doc._id, existing);
  if (s) rt.member.sessions.record(s.lsid, s.txnNumber, s.stmtId, { op: 'd', image: retryImage });
  rt.member.opcounters.delete++;
  rt.member.metrics.document.deleted++;
  return t;
}

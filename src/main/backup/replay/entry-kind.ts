import type { Document } from 'bson';
import { NON_USER_DATABASES } from '../../control/names';

/**
 * What the replay does with one oplog entry, decided the way `mongorestore --oplogReplay` decides
 * (mongo-tools mongorestore/oplog.go: ignoredOps, ignoredCEntries, knownCommands; common/txn/meta.go):
 * - skip: no-ops, the internal bookkeeping op types, index-build markers that the target rebuilds itself,
 *   DC's own local/config/admin.system state and DR Desk's control database;
 * - crud: inserts, updates and deletes, batched into applyOps;
 * - command: DDL, applied one at a time outside any batch (dropDatabase must be alone in an applyOps, and
 *   index builds are refused in applyOps mode, so they become createIndexes / dropIndexes commands);
 * - txn: an entry of a multi-document transaction (lsid + txnNumber on a "c" applyOps / commit / abort);
 * - unsupported: anything else stops the chain with the entry named — never skipped silently.
 */
export type EntryKind =
  | { kind: 'skip'; why: string }
  | { kind: 'crud' }
  | { kind: 'command'; name: string }
  | { kind: 'txn'; txn: TxnMeta }
  | { kind: 'unsupported'; why: string };

export interface TxnMeta {
  /** lsid + txnNumber, as a map key. */
  id: string;
  partial: boolean;
  prepare: boolean;
  commit: boolean;
  abort: boolean;
}

/** Op types real servers write for internal bookkeeping (replicated record ids, key material). */
const INTERNAL_OPS = new Set(['ci', 'cd', 'cu', 'km']);
/** Commands the target recreates by itself or that carry no user data. */
const SKIPPED_COMMANDS = new Set(['startIndexBuild', 'abortIndexBuild', 'setMultikeyMetadata', 'dbCheck', 'dropIdent']);
export const REPLAYED_COMMANDS = new Set([
  'create',
  'drop',
  'dropDatabase',
  'renameCollection',
  'collMod',
  'convertToCapped',
  'emptycapped',
  'createIndexes',
  'commitIndexBuild',
  'dropIndexes',
  'deleteIndex',
  'deleteIndexes',
  'dropIndex',
  'applyOps',
]);

function dbOf(ns: string): string {
  const dot = ns.indexOf('.');
  return dot < 0 ? ns : ns.slice(0, dot);
}

/** Namespaces DR must never receive: the server's own state, config, and DR Desk's control database. */
export function ignoredNamespace(ns: string, o?: Document): boolean {
  const db = dbOf(ns);
  if (db === 'local' || db === 'config') return true;
  if (db === 'admin') {
    if (ns === 'admin.$cmd') {
      // A renameCollection across databases is logged on admin.$cmd; its target decides.
      const from = typeof o?.renameCollection === 'string' ? o.renameCollection : null;
      return from ? NON_USER_DATABASES.has(dbOf(from)) : false;
    }
    return true;
  }
  return NON_USER_DATABASES.has(db);
}

export function commandName(e: Document): string {
  const o = e.o as Document | undefined;
  return o ? (Object.keys(o)[0] ?? '') : '';
}

export function txnMeta(e: Document): TxnMeta | null {
  if (e.op !== 'c' || e.lsid === undefined || e.txnNumber === undefined) return null;
  const o = (e.o as Document) ?? {};
  const commit = 'commitTransaction' in o;
  const abort = 'abortTransaction' in o;
  if (!commit && !abort && !('applyOps' in o)) return null;
  return { id: `${JSON.stringify(e.lsid)}:${String(e.txnNumber)}`, partial: o.partialTxn === true || e.partialTxn === true, prepare: o.prepare === true || e.prepare === true, commit, abort };
}

export function classify(e: Document): EntryKind {
  const op = String(e.op ?? '');
  const ns = String(e.ns ?? '');
  if (op === 'n') return { kind: 'skip', why: 'no-op' };
  if (INTERNAL_OPS.has(op)) return { kind: 'skip', why: `internal op type "${op}"` };
  if (op === 'i' || op === 'u' || op === 'd') return ignoredNamespace(ns) ? { kind: 'skip', why: `namespace ${ns} is not user data` } : { kind: 'crud' };
  if (op !== 'c') return { kind: 'unsupported', why: `op type "${op}" is not one MongoDB writes for user data` };
  const txn = txnMeta(e);
  if (txn) return { kind: 'txn', txn };
  const name = commandName(e);
  if (SKIPPED_COMMANDS.has(name)) return { kind: 'skip', why: `${name} is rebuilt by the target` };
  if (ignoredNamespace(ns, e.o as Document)) return { kind: 'skip', why: `namespace ${ns} is not user data` };
  if (!REPLAYED_COMMANDS.has(name)) return { kind: 'unsupported', why: `command "${name}" has no replay` };
  return { kind: 'command', name };
}

import type { Document } from 'bson';
import { CommandError } from './errors';
import type { MemberStore } from './member-store';

/**
 * Views as mongod keeps them (https://www.mongodb.com/docs/manual/core/views/): one document per view in
 * `<db>.system.views`, `{_id: "<db>.<view>", viewOn: "<collection>", pipeline: [...]}`. Creating or dropping a
 * view is an insert into / delete from that collection, and that is what the oplog records.
 */
export function viewsNs(db: string): string {
  return `${db}.system.views`;
}

export function viewDefinition(store: MemberStore, ns: string): { viewOn: string; pipeline: Document[] } | null {
  const dot = ns.indexOf('.');
  if (dot <= 0) return null;
  const doc = store.collection(viewsNs(ns.slice(0, dot)))?.get(ns);
  if (!doc) return null;
  return { viewOn: `${ns.slice(0, dot)}.${String(doc.viewOn)}`, pipeline: (doc.pipeline as Document[]) ?? [] };
}

/** Writes to a view are refused with the server's code (CommandNotSupportedOnView, 166). */
export function refuseWriteToView(store: MemberStore, ns: string): void {
  if (viewDefinition(store, ns)) throw new CommandError('CommandNotSupportedOnView', `Namespace ${ns} is a view, not a collection`);
}

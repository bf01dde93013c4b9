import { UUID, deserialize, serialize, type Document } from 'bson';
import { ByteArena } from './byte-arena';
import { CommandError } from './errors';
import { Oplog } from './oplog';
import { pathValues } from './query/filter';
import { idKey, valuesEqual } from './query/values';

export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  expireAfterSeconds?: number;
}

/** A collection: documents by _id, kept as BSON bytes (compact, and a lookup by _id decodes one document). */
export class Collection {
  readonly docs = new Map<string, Buffer>();
  /** Each document's _id, decoded, in the same order as `docs`: a query on _id alone reads these, not the documents. */
  readonly ids = new Map<string, unknown>();
  /** The ids in _id order, kept until the set of ids changes (an _id-ordered walk with skip, as the _id index serves it). */
  idOrder: { docs: Document[]; keyOf: Map<Document, string> } | null = null;
  readonly indexes: IndexSpec[] = [{ v: 2, key: { _id: 1 }, name: '_id_' }];
  /** Creation options listCollections shows (capped, size, temp). */
  options: Document = {};
  private readonly arena = new ByteArena();

  constructor(
    readonly name: string,
    readonly uuid: UUID = new UUID(),
  ) {}

  get(id: unknown): Document | null {
    const b = this.docs.get(idKey(id));
    return b ? deserialize(b, { promoteValues: false }) : null;
  }

  *scan(): Generator<Document> {
    for (const b of this.docs.values()) yield deserialize(b, { promoteValues: false });
  }

  get dataSize(): number {
    let n = 0;
    for (const b of this.docs.values()) n += b.length;
    return n;
  }

  /** Writes a document, enforcing unique indexes other than _id (whose uniqueness the map itself gives). */
  put(doc: Document, mustBeNew: boolean): void {
    const key = idKey(doc._id);
    if (mustBeNew && this.docs.has(key)) {
      throw new CommandError('DuplicateKey', `E11000 duplicate key error collection: ${this.name} index: _id_ dup key: { _id: ${JSON.stringify(String(doc._id))} }`, {
        keyPattern: { _id: 1 },
        keyValue: { _id: doc._id },
      });
    }
    for (const ix of this.indexes) {
      if (!ix.unique || ix.name === '_id_') continue;
      const fields = Object.keys(ix.key);
      const mine = fields.map((f) => pathValues(doc, f.split('.'))[0]);
      for (const other of this.scan()) {
        if (valuesEqual(other._id, doc._id)) continue;
        if (fields.every((f, i) => valuesEqual(pathValues(other, f.split('.'))[0], mine[i])))
          throw new CommandError('DuplicateKey', `E11000 duplicate key error collection: ${this.name} index: ${ix.name}`, { keyPattern: ix.key });
      }
    }
    if (!this.ids.has(key)) this.idOrder = null;
    this.docs.set(key, this.arena.copy(serialize(doc)));
    this.ids.set(key, doc._id);
  }

  /** The stored document under an `ids` key. */
  byKey(key: string): Document | null {
    const b = this.docs.get(key);
    return b ? deserialize(b, { promoteValues: false }) : null;
  }

  remove(id: unknown): boolean {
    const key = idKey(id);
    if (this.ids.delete(key)) this.idOrder = null;
    return this.docs.delete(key);
  }
}

export function splitNs(ns: string): { db: string; coll: string } {
  const dot = ns.indexOf('.');
  if (dot <= 0 || dot === ns.length - 1) throw new CommandError('InvalidNamespace', `Invalid namespace specified '${ns}'`);
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/** The data of one data-bearing member: databases of collections, and its capped oplog (local.oplog.rs). */
export class MemberStore {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  readonly oplog: Oplog;

  constructor(oplogSizeBytes: number) {
    this.oplog = new Oplog(oplogSizeBytes);
  }

  collection(ns: string): Collection | undefined {
    const { db, coll } = splitNs(ns);
    return this.dbs.get(db)?.get(coll);
  }

  /** Creates the collection if needed; returns it and whether it was created (the primary logs a "create"). */
  ensureCollection(ns: string, uuid?: UUID): { coll: Collection; created: boolean } {
    const { db, coll } = splitNs(ns);
    if (db === 'local' || db === 'admin' && coll.startsWith('system.')) throw new CommandError('InvalidNamespace', `cannot write to '${ns}'`);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const existing = colls.get(coll);
    if (existing) return { coll: existing, created: false };
    const created = new Collection(ns, uuid);
    colls.set(coll, created);
    return { coll: created, created: true };
  }

  dropCollection(ns: string): boolean {
    const { db, coll } = splitNs(ns);
    const colls = this.dbs.get(db);
    const had = colls?.delete(coll) ?? false;
    if (colls && colls.size === 0) this.dbs.delete(db);
    return had;
  }

  /** Moves a collection (documents, indexes, UUID) to another namespace, as renameCollection does. */
  renameCollection(from: string, to: string, dropTarget: boolean): Collection {
    const source = this.collection(from);
    if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${from} does not exist`);
    if (this.collection(to)) {
      if (!dropTarget) throw new CommandError('NamespaceExists', `Target collection ${to} exists`);
      this.dropCollection(to);
    }
    const { coll: target } = this.ensureCollection(to, source.uuid);
    for (const [k, v] of source.docs) target.docs.set(k, v);
    for (const [k, v] of source.ids) target.ids.set(k, v);
    target.indexes.splice(0, target.indexes.length, ...source.indexes);
    const { temp: _temp, ...options } = source.options;
    target.options = options;
    this.dropCollection(from);
    return target;
  }

  /** The collection a UUID names, wherever it is. */
  byUuid(uuid: UUID): Collection | undefined {
    for (const colls of this.dbs.values()) for (const c of colls.values()) if (c.uuid.equals(uuid)) return c;
    return undefined;
  }

  dropDatabase(db: string): boolean {
    return this.dbs.delete(db);
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].sort();
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  databaseSize(db: string): number {
    return this.collections(db).reduce((n, c) => n + c.dataSize, 0);
  }

  /** Forgets all data (a resync); the oplog is cleared by the caller when it wants. */
  clearData(): void {
    this.dbs.clear();
  }
}

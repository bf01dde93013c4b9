import { Long, UUID, type Document } from 'bson';
import { modifyIndex } from '../apply-oplog';
import { CommandError } from '../errors';
import type { IndexSpec } from '../member-store';
import { matches, pathValues } from '../query/filter';
import { compareValues, toNumber } from '../query/values';
import { createTimeseries, parseTimeseries } from '../timeseries';
import { viewDefinition, viewsNs } from '../views';
import { collectionForWrite, deleteDocument, insertDocument } from '../writes';
import { replicaSetHello } from './handshake';
import { docArg, stringArg, type CommandContext, type CommandTable } from './context';
import { OPLOG_NS } from './query-exec';

/** Databases, collections, indexes and serverStatus. DDL is logged to the oplog as "c" entries. */
function listDatabases(ctx: CommandContext): Document {
  const store = ctx.member.store!;
  const filter = docArg(ctx.cmd, 'filter');
  const names = new Set(['admin', 'config', 'local', ...store.databaseNames()]);
  const databases = [...names]
    .sort()
    .map((name) => {
      const size = name === 'local' ? store.oplog.sizeBytes : store.databaseSize(name);
      return { name, sizeOnDisk: size, empty: size === 0 && name !== 'local' };
    })
    .filter((d) => matches(d, filter));
  const totalSize = databases.reduce((n, d) => n + d.sizeOnDisk, 0);
  if (ctx.cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
}

function listCollections(ctx: CommandContext): Document {
  const store = ctx.member.store!;
  const infos: Document[] = store.collections(ctx.db).map((c) => ({
    name: c.name.slice(ctx.db.length + 1),
    type: 'collection',
    options: { ...c.options },
    info: { readOnly: false, uuid: c.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  for (const v of store.collection(viewsNs(ctx.db))?.scan() ?? []) {
    const ts = store.collection(`${ctx.db}.${String(v.viewOn)}`)?.options.timeseries;
    const name = String(v._id).slice(ctx.db.length + 1);
    if (ts && String(v.viewOn).startsWith('system.buckets.')) infos.push({ name, type: 'timeseries', options: { timeseries: ts }, info: { readOnly: false } });
    else infos.push({ name, type: 'view', options: { viewOn: v.viewOn, pipeline: v.pipeline }, info: { readOnly: true } });
  }
  if (ctx.db === 'local') infos.push({ name: 'oplog.rs', type: 'collection', options: { capped: true, size: store.oplog.maxBytes }, info: { readOnly: false } });
  const filter = docArg(ctx.cmd, 'filter');
  const out = infos.filter((i) => matches(i, filter)).map((i) => (ctx.cmd.nameOnly === true ? { name: i.name, type: i.type } : i));
  return ctx.member.cursors.open(`${ctx.db}.$cmd.listCollections`, out, Number.MAX_SAFE_INTEGER);
}

function listIndexes(ctx: CommandContext): Document {
  const ns = `${ctx.db}.${stringArg(ctx.cmd, 'listIndexes')}`;
  const store = ctx.member.store!;
  const coll = store.collection(ns);
  if (coll) return ctx.member.cursors.open(ns, coll.indexes.map((ix) => ({ ...ix })), Number.MAX_SAFE_INTEGER);
  // A time-series collection answers with its buckets' indexes (mongod translates their keys back to the
  // measurement fields; the sandbox's buckets keep the user's keys, so none is needed). A plain view has none.
  const view = viewDefinition(store, ns);
  const buckets = view && view.viewOn.startsWith(`${ctx.db}.system.buckets.`) ? store.collection(view.viewOn) : undefined;
  if (buckets) return ctx.member.cursors.open(ns, buckets.indexes.filter((ix) => ix.name !== '_id_').map((ix) => ({ ...ix })), Number.MAX_SAFE_INTEGER);
  if (view) throw new CommandError('CommandNotSupportedOnView', `Namespace ${ns} is a view, not a collection`);
  throw new CommandError('NamespaceNotFound', `ns does not exist: ${ns}`);
}

/**
 * The first key two documents share in one of the new unique indexes (a missing field keys as null, as in a
 * unique index without sparse or partialFilterExpression), or null. Sorted, so a large collection is not n².
 */
function firstDuplicate(docs: Iterable<Document>, added: Document[]): { index: string; keyPattern: Document; value: Document } | null {
  const unique = added.filter((ix) => ix.unique === true);
  if (!unique.length) return null;
  const all = [...docs];
  for (const ix of unique) {
    const fields = Object.keys(ix.key as Document);
    const keys = all.map((d) => fields.map((f) => pathValues(d, f.split('.'))[0] ?? null));
    const cmp = (a: unknown[], b: unknown[]) => {
      for (let i = 0; i < a.length; i++) {
        const c = compareValues(a[i], b[i]);
        if (c) return c;
      }
      return 0;
    };
    keys.sort(cmp);
    for (let i = 1; i < keys.length; i++)
      if (cmp(keys[i - 1], keys[i]) === 0) return { index: String(ix.name), keyPattern: ix.key as Document, value: Object.fromEntries(fields.map((f, j) => [f, keys[i][j]])) };
  }
  return null;
}

function createIndexes(ctx: CommandContext): Document {
  const name = stringArg(ctx.cmd, 'createIndexes');
  const ns = `${ctx.db}.${name}`;
  const specs = ctx.cmd.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw new CommandError('BadValue', 'createIndexes needs a non-empty "indexes" array');
  const existed = ctx.member.store!.collection(ns) !== undefined;
  const coll = collectionForWrite(ctx, ns);
  const before = coll.indexes.length;
  const added: Document[] = [];
  for (const raw of specs as Document[]) {
    const key = docArg(raw, 'key');
    if (Object.keys(key).length === 0) throw new CommandError('BadValue', 'an index needs a non-empty "key"');
    const ixName = typeof raw.name === 'string' ? raw.name : Object.entries(key).map(([k, v]) => `${k}_${String(v)}`).join('_');
    if (coll.indexes.some((ix) => ix.name === ixName) || added.some((ix) => ix.name === ixName)) continue;
    const ttl = raw.expireAfterSeconds !== undefined ? { expireAfterSeconds: toNumber(raw.expireAfterSeconds) } : {};
    added.push({ v: 2, key, name: ixName, ...(raw.unique === true ? { unique: true } : {}), ...ttl });
  }
  const dup = coll.docs.size ? firstDuplicate(coll.scan(), added) : null;
  if (dup) {
    // mongod builds a populated collection's new indexes as one build and aborts all of them when a unique
    // one finds two documents with the same key (index_builds_coordinator.cpp: startIndexBuild, then
    // abortIndexBuild in the oplog); the command fails with DuplicateKey and no index of it stays.
    const indexBuildUUID = new UUID();
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { startIndexBuild: name, indexBuildUUID, indexes: added } });
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { abortIndexBuild: name, indexBuildUUID, indexes: added, cause: { code: 11000, codeName: 'DuplicateKey' } } });
    const shown = Object.entries(dup.value).map(([k, v]) => `${k}: ${JSON.stringify(v ?? null)}`).join(', ');
    throw new CommandError(
      'DuplicateKey',
      `Index build failed: ${indexBuildUUID.toHexString(true)}: Collection ${ns} ( ${coll.uuid.toHexString(true)} ) :: caused by :: E11000 duplicate key error collection: ${ns} index: ${dup.index} dup key: { ${shown} }`,
      { keyPattern: dup.keyPattern, keyValue: dup.value },
    );
  }
  coll.indexes.push(...(added as IndexSpec[]));
  // An empty collection gets its indexes at once (one createIndexes entry each); a populated one goes
  // through the two-phase build of MongoDB 4.4+ (index_builds_coordinator.cpp): startIndexBuild, then
  // commitIndexBuild once built, both carrying every index of the build.
  if (coll.docs.size === 0) {
    for (const spec of added) ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { createIndexes: name, ...spec } });
  } else if (added.length) {
    const indexBuildUUID = new UUID();
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { startIndexBuild: name, indexBuildUUID, indexes: added } });
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { commitIndexBuild: name, indexBuildUUID, indexes: added } });
  }
  return { numIndexesBefore: before, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically: !existed, ok: 1 };
}

function dropIndexes(ctx: CommandContext): Document {
  const name = stringArg(ctx.cmd, 'dropIndexes');
  const ns = `${ctx.db}.${name}`;
  const coll = ctx.member.store!.collection(ns);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${ns}`);
  const wanted = ctx.cmd.index;
  const nIndexesWas = coll.indexes.length;
  const doomed =
    wanted === '*'
      ? coll.indexes.filter((ix) => ix.name !== '_id_')
      : coll.indexes.filter((ix) => (typeof wanted === 'string' ? ix.name === wanted : JSON.stringify(ix.key) === JSON.stringify(wanted)));
  if (!doomed.length) throw new CommandError('IndexNotFound', `index not found with name [${typeof wanted === 'string' ? wanted : JSON.stringify(wanted)}]`);
  if (doomed.some((ix) => ix.name === '_id_')) throw new CommandError('InvalidOptions', 'cannot drop _id index');
  for (const ix of doomed) {
    coll.indexes.splice(coll.indexes.indexOf(ix), 1);
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { dropIndexes: name, index: ix.name }, o2: { ...ix } });
  }
  return { nIndexesWas, ok: 1 };
}

/** renameCollection runs on admin with full namespaces; the oplog entry is on the source database. */
function renameCollection(ctx: CommandContext): Document {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const from = stringArg(ctx.cmd, 'renameCollection');
  const to = stringArg(ctx.cmd, 'to');
  const dropTarget = ctx.cmd.dropTarget === true;
  const store = ctx.member.store!;
  const target = store.collection(to);
  const source = store.collection(from);
  if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${from} does not exist`);
  const moved = store.renameCollection(from, to, dropTarget);
  const o: Document = { renameCollection: from, to, stayTemp: false };
  if (target && dropTarget) o.dropTarget = target.uuid;
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${from.slice(0, from.indexOf('.'))}.$cmd`, ui: moved.uuid, o });
  return { ok: 1 };
}

/** collMod: the index change operators use (a TTL's expireAfterSeconds); other options are refused. */
function collMod(ctx: CommandContext): Document {
  const name = stringArg(ctx.cmd, 'collMod');
  const ns = `${ctx.db}.${name}`;
  const coll = ctx.member.store!.collection(ns);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ns}`);
  const change = ctx.cmd.index as Document | undefined;
  const unknown = Object.keys(ctx.cmd).filter((k) => !['collMod', 'index', 'writeConcern', 'lsid', '$db', '$clusterTime', '$readPreference', 'txnNumber', 'apiVersion'].includes(k));
  if (unknown.length) throw new CommandError('InvalidOptions', `the sandbox's collMod supports only "index" changes, not ${unknown.join(', ')}`);
  if (!change) return { ok: 1 };
  const ix = coll.indexes.find((i) => (change.name !== undefined ? i.name === change.name : JSON.stringify(i.key) === JSON.stringify(change.keyPattern)));
  if (!ix) throw new CommandError('IndexNotFound', `cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${ns}`);
  const before = ix.expireAfterSeconds;
  modifyIndex(ctx.member.store!, ns, change);
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { collMod: name, index: { name: ix.name, ...(change.expireAfterSeconds !== undefined ? { expireAfterSeconds: ix.expireAfterSeconds } : {}) } }, o2: { collectionOptions_old: { uuid: coll.uuid }, indexOptions_old: { expireAfterSeconds: before } } });
  return { ...(change.expireAfterSeconds !== undefined ? { expireAfterSeconds_old: before, expireAfterSeconds_new: ix.expireAfterSeconds } : {}), ok: 1 };
}

/**
 * convertToCapped as mongod does it (src/mongo/db/catalog/capped_utils.cpp): a temporary capped collection
 * `tmp<5 chars>.convertToCapped.<name>` is created, the documents are copied into it (inserts in the oplog),
 * then it is renamed onto the original with dropTarget (the old UUID). The cap itself is not enforced.
 */
function convertToCapped(ctx: CommandContext): Document {
  const name = stringArg(ctx.cmd, 'convertToCapped');
  const ns = `${ctx.db}.${name}`;
  const store = ctx.member.store!;
  const source = store.collection(ns);
  if (!source) throw new CommandError('NamespaceNotFound', `source collection ${ns} does not exist`);
  const size = toNumber(ctx.cmd.size ?? 0);
  if (!(size > 0)) throw new CommandError('InvalidOptions', 'convertToCapped needs a positive "size" in bytes');
  const tmpName = `tmp${Math.random().toString(36).slice(2, 7)}.convertToCapped.${name}`;
  const tmpNs = `${ctx.db}.${tmpName}`;
  const { coll: tmp } = store.ensureCollection(tmpNs);
  tmp.options = { capped: true, size, temp: true };
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: tmp.uuid, o: { create: tmpName, capped: true, size, temp: true, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } } });
  for (const doc of [...source.scan()]) insertDocument(ctx, tmpNs, doc);
  const oldUuid = source.uuid;
  const moved = store.renameCollection(tmpNs, ns, true);
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: moved.uuid, o: { renameCollection: tmpNs, to: ns, stayTemp: false, dropTarget: oldUuid } });
  return { ok: 1 };
}

function drop(ctx: CommandContext): Document {
  const name = stringArg(ctx.cmd, 'drop');
  const ns = `${ctx.db}.${name}`;
  const coll = ctx.member.store!.collection(ns);
  const view = viewDefinition(ctx.member.store!, ns);
  if (view) {
    // Dropping a view deletes its definition from system.views (what the oplog records).
    deleteDocument(ctx, viewsNs(ctx.db), { _id: ns });
    return { ns, ok: 1 };
  }
  if (!coll) throw new CommandError('NamespaceNotFound', 'ns not found');
  const nIndexesWas = coll.indexes.length;
  ctx.member.store!.dropCollection(ns);
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { drop: name } });
  return { nIndexesWas, ns, ok: 1 };
}

function dropDatabase(ctx: CommandContext): Document {
  if (['admin', 'local', 'config'].includes(ctx.db)) throw new CommandError('IllegalOperation', `Cannot drop '${ctx.db}' database`);
  const store = ctx.member.store!;
  for (const c of store.collections(ctx.db)) ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: c.uuid, o: { drop: c.name.slice(ctx.db.length + 1) } });
  store.dropDatabase(ctx.db);
  ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, o: { dropDatabase: 1 } });
  return { dropped: ctx.db, ok: 1 };
}

function create(ctx: CommandContext): Document {
  const ns = `${ctx.db}.${stringArg(ctx.cmd, 'create')}`;
  const store = ctx.member.store!;
  if (store.collection(ns) || viewDefinition(store, ns)) throw new CommandError('NamespaceExists', `Collection ${ns} already exists.`);
  if (ctx.cmd.viewOn !== undefined) {
    if (typeof ctx.cmd.viewOn !== 'string' || !ctx.cmd.viewOn) throw new CommandError('TypeMismatch', '"viewOn" must be a collection name');
    const pipeline = ctx.cmd.pipeline ?? [];
    if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', '"pipeline" must be an array');
    insertDocument(ctx, viewsNs(ctx.db), { _id: ns, viewOn: ctx.cmd.viewOn, pipeline });
    return { ok: 1 };
  }
  if (ctx.cmd.timeseries !== undefined) {
    createTimeseries(ctx, ctx.db, ns.slice(ctx.db.length + 1), parseTimeseries(ctx.cmd.timeseries));
    return { ok: 1 };
  }
  if (ctx.cmd.capped === true) {
    if (ctx.cmd.size === undefined) throw new CommandError('InvalidOptions', 'the size field is required when creating a capped collection');
    const { coll } = store.ensureCollection(ns);
    coll.options = { capped: true, size: ctx.cmd.size };
    ctx.set.logOp(ctx.member, { op: 'c', ns: `${ctx.db}.$cmd`, ui: coll.uuid, o: { create: ns.slice(ctx.db.length + 1), capped: true, size: ctx.cmd.size, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } } });
    return { ok: 1 };
  }
  collectionForWrite(ctx, ns);
  return { ok: 1 };
}

function dbStats(ctx: CommandContext): Document {
  const store = ctx.member.store!;
  const colls = store.collections(ctx.db);
  const objects = colls.reduce((n, c) => n + c.docs.size, 0);
  const dataSize = store.databaseSize(ctx.db);
  return { db: ctx.db, collections: colls.length, views: 0, objects, avgObjSize: objects ? dataSize / objects : 0, dataSize, storageSize: dataSize, indexes: colls.reduce((n, c) => n + c.indexes.length, 0), ok: 1 };
}

const L = (n: number): Long => Long.fromNumber(n);

function longs(counters: Record<string, number>): Document {
  return Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, L(v)]));
}

/** serverStatus.electionMetrics (replication_metrics.idl): elections called and won per reason, catch-up outcomes. */
function electionMetrics(m: CommandContext['member']): Document {
  const x = m.metrics;
  const reasons = Object.fromEntries(Object.entries(x.elections).map(([k, v]) => [k, { called: L(v.called), successful: L(v.successful) }]));
  return {
    ...reasons,
    numStepDownsCausedByHigherTerm: L(x.numStepDownsCausedByHigherTerm),
    numCatchUps: L(0),
    numCatchUpsSucceeded: L(0),
    numCatchUpsAlreadyCaughtUp: L(x.numCatchUpsAlreadyCaughtUp),
    numCatchUpsSkipped: L(0),
    numCatchUpsTimedOut: L(0),
    numCatchUpsFailedWithError: L(0),
    numCatchUpsFailedWithNewTerm: L(0),
    numCatchUpsFailedWithReplSetAbortPrimaryCatchUpCmd: L(0),
    averageCatchUpOps: 0,
  };
}

/** serverStatus.metrics: the sections DR Desk and operators read (document, operation, repl, commands, cursor). */
function metricsSection(m: CommandContext['member']): Document {
  const x = m.metrics;
  const commands: Document = {};
  for (const [name, c] of [...x.commands].sort(([a], [b]) => a.localeCompare(b))) commands[name] = { failed: L(c.failed), total: L(c.total) };
  return {
    commands,
    cursor: { timedOut: L(0), open: { noTimeout: L(0), pinned: L(0), total: L(m.cursors.size) } },
    document: { deleted: L(x.document.deleted), inserted: L(x.document.inserted), returned: L(m.cursors.returned), updated: L(x.document.updated) },
    operation: { scanAndOrder: L(0), writeConflicts: L(0) },
    repl: {
      apply: { attemptsToBecomeSecondary: L(m.store ? 1 : 0), batches: { num: L(x.replApply.batches), totalMillis: L(0) }, ops: L(x.replApply.ops) },
      buffer: { count: L(0), maxSizeBytes: L(256 * 1024 * 1024), sizeBytes: L(0) },
      network: { bytes: L(x.replNetwork.bytes), getmores: { num: L(x.replApply.batches), totalMillis: L(0) }, ops: L(x.replNetwork.ops), readersCreated: L(m.syncSource ? 1 : 0) },
      stateTransition: { lastStateTransition: x.lastStateTransition, userOperationsKilled: L(0), userOperationsRunning: L(0) },
    },
  };
}

/** serverStatus.transactions on a replica-set member (the manual's serverStatus "transactions" section). */
function transactionsSection(m: CommandContext['member']): Document {
  const t = m.transactions.totals;
  const open = m.transactions.open;
  return {
    retriedCommandsCount: L(0),
    retriedStatementsCount: L(0),
    transactionsCollectionWriteCount: L(0),
    currentActive: L(0),
    currentInactive: L(open),
    currentOpen: L(open),
    totalAborted: L(t.aborted),
    totalCommitted: L(t.committed),
    totalStarted: L(t.started),
    totalPrepared: L(0),
    totalPreparedThenCommitted: L(0),
    totalPreparedThenAborted: L(0),
    currentPrepared: L(0),
  };
}

export function serverStatus(ctx: CommandContext): Document {
  const m = ctx.member;
  const mem = process.memoryUsage();
  const uptimeMs = Date.now() - m.upSince;
  const doc: Document = {
    host: m.host,
    version: m.version,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMs / 1000)),
    localTime: new Date(),
    connections: { current: m.connectionsCurrent, available: 838860 - m.connectionsCurrent, totalCreated: m.connectionsTotal },
    // 64-bit counters since 4.2 (mongosh prints them as Long)
    opcounters: longs({ ...m.opcounters }),
    opcountersRepl: longs({ ...m.opcountersRepl }),
    electionMetrics: electionMetrics(m),
    network: {
      bytesIn: L(m.metrics.network.bytesIn),
      bytesOut: L(m.metrics.network.bytesOut),
      physicalBytesIn: L(m.metrics.network.bytesIn),
      physicalBytesOut: L(m.metrics.network.bytesOut),
      numSlowDNSOperations: L(0),
      numSlowSSLOperations: L(0),
      numRequests: L(m.metrics.network.numRequests),
    },
    repl: { ...replicaSetHello(ctx), rbid: m.rollbacks + 1 },
    mem: { bits: 64, resident: Math.round(mem.rss / 1048576), virtual: Math.round(mem.rss / 1048576), supported: true },
    metrics: metricsSection(m),
    ok: 1,
  };
  if (m.store) doc.transactions = transactionsSection(m);
  if (m.store) {
    doc.oplog = { sizeBytes: m.store.oplog.sizeBytes, maxBytes: m.store.oplog.maxBytes, entries: m.store.oplog.size };
  }
  return doc;
}

function getCmdLineOpts(ctx: CommandContext): Document {
  const m = ctx.member;
  const replication: Document = { replSetName: ctx.set.name };
  if (m.store) replication.oplogSizeMB = Math.round(m.store.oplog.maxBytes / 1048576);
  const parsed = { net: { bindIp: '127.0.0.1', port: m.port }, replication, ...(ctx.credentials ? { security: { authorization: 'enabled' } } : {}) };
  return { argv: ['mongod', '--replSet', ctx.set.name, '--port', String(m.port), '--bind_ip', '127.0.0.1'], parsed, ok: 1 };
}

export const adminCommands: CommandTable = {
  getCmdLineOpts: { run: getCmdLineOpts },
  listDatabases: { run: listDatabases, kind: 'read' },
  listCollections: { run: listCollections, kind: 'read' },
  listIndexes: { run: listIndexes, kind: 'read' },
  createIndexes: { run: createIndexes, kind: 'write' },
  drop: { run: drop, kind: 'write' },
  dropDatabase: { run: dropDatabase, kind: 'write' },
  create: { run: create, kind: 'write' },
  dropIndexes: { run: dropIndexes, kind: 'write' },
  renameCollection: { run: renameCollection, kind: 'write' },
  collMod: { run: collMod, kind: 'write' },
  convertToCapped: { run: convertToCapped, kind: 'write' },
  dbStats: { run: dbStats, kind: 'read' },
  dbstats: { run: dbStats, kind: 'read' },
  serverStatus: { run: serverStatus },
  serverstatus: { run: serverStatus },
  collStats: {
    kind: 'read',
    run: (ctx) => {
      const ns = `${ctx.db}.${stringArg(ctx.cmd, 'collStats')}`;
      if (ns === OPLOG_NS) {
        const o = ctx.member.store!.oplog;
        return { ns, count: o.size, size: o.sizeBytes, maxSize: o.maxBytes, capped: true, ok: 1 };
      }
      const coll = ctx.member.store!.collection(ns);
      if (!coll) throw new CommandError('NamespaceNotFound', `Collection [${ns}] not found.`);
      return { ns, count: coll.docs.size, size: coll.dataSize, storageSize: coll.dataSize, nindexes: coll.indexes.length, capped: false, ok: 1 };
    },
  },
};

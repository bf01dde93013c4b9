import { ObjectId, type Document } from 'bson';
import { CommandError } from '../errors';
import type { OpTime } from '../oplog';
import { project } from '../query/shape';
import { applyUpdate, isOperatorUpdate } from '../query/update';
import { toNumber } from '../query/values';
import { insertMeasurement, timeseriesOf, type TimeseriesSpec } from '../timeseries';
import { refuseWriteToView } from '../views';
import { parseWriteConcern } from '../write-concern';
import { deleteDocument, insertDocument, updateDocument, type StatementId } from '../writes';
import { boolArg, docArg, stringArg, type CommandContext, type CommandTable } from './context';
import { runQuery } from './query-exec';

/** Write commands (insert, update, delete, findAndModify) with retryable-write semantics and write concern. */
interface WriteState {
  ctx: CommandContext;
  ns: string;
  /** Set when the namespace is a time-series collection (inserts only). */
  timeseries: TimeseriesSpec | null;
  last: OpTime | null;
  retryable: boolean;
  stmt(i: number): StatementId | undefined;
  executed(i: number): ReturnType<CommandContext['member']['sessions']['executed']>;
}

function beginWrite(ctx: CommandContext, field: string): WriteState {
  const { cmd, member } = ctx;
  const ns = `${ctx.db}.${stringArg(cmd, field)}`;
  if (ctx.db === 'local' || ctx.db === 'config' && ns !== 'config.system.sessions') throw new CommandError('InvalidNamespace', `cannot write to '${ns}'`);
  // Statements of a transaction are not retryable writes: the transaction commits or aborts as a whole.
  const timeseries = field === 'insert' ? timeseriesOf(ctx, ns) : null;
  if (!timeseries) refuseWriteToView(member.store!, ns);
  const retryable = !ctx.txn && cmd.txnNumber !== undefined && cmd.lsid !== undefined;
  const rec = retryable ? member.sessions.begin(cmd.lsid, cmd.txnNumber) : null;
  const stmtIds = Array.isArray(cmd.stmtIds) ? (cmd.stmtIds as unknown[]).map(toNumber) : null;
  const idOf = (i: number): number => (stmtIds ? stmtIds[i] : i);
  return {
    ctx,
    ns,
    timeseries,
    last: null,
    retryable,
    stmt: (i) => (retryable ? { lsid: cmd.lsid, txnNumber: cmd.txnNumber, stmtId: idOf(i) } : undefined),
    executed: (i) => member.sessions.executed(rec, idOf(i)),
  };
}

/** Adds write concern to a reply: waits for w, reports a writeConcernError the way mongod does. */
async function finishWrite(w: WriteState, reply: Document): Promise<Document> {
  const { ctx } = w;
  const wc = parseWriteConcern(ctx.cmd.writeConcern);
  const err = await ctx.set.awaitWriteConcern(ctx.member, w.last ?? ctx.member.lastApplied(), wc, ctx.op);
  if (err) {
    reply.writeConcernError = err;
    if (w.retryable && (err.code === 11602 || err.code === 189)) reply.errorLabels = ['RetryableWriteError'];
  }
  return reply;
}

function writeError(index: number, err: unknown): Document {
  if (err instanceof CommandError) return { index, code: err.code, codeName: err.codeName, errmsg: err.message, ...(err.extra.keyPattern ? { keyPattern: err.extra.keyPattern, keyValue: err.extra.keyValue } : {}) };
  return { index, code: 1, codeName: 'InternalError', errmsg: String(err) };
}

function statements(ctx: CommandContext, field: string): Document[] {
  const v = ctx.cmd[field];
  if (!Array.isArray(v)) throw new CommandError('FailedToParse', `"${field}" must be an array`);
  return v as Document[];
}

async function insert(ctx: CommandContext): Promise<Document> {
  const w = beginWrite(ctx, 'insert');
  const docs = statements(ctx, 'documents');
  const ordered = boolArg(ctx.cmd, 'ordered', true);
  const writeErrors: Document[] = [];
  let n = 0;
  const ts = w.timeseries;
  for (let i = 0; i < docs.length; i++) {
    if (ts) {
      // A time-series measurement goes into a bucket of system.buckets.<name> (see timeseries.ts).
      try {
        insertMeasurement(ctx, w.ns, ts, { ...docs[i], _id: docs[i]._id ?? new ObjectId() });
        n++;
      } catch (err) {
        writeErrors.push(writeError(i, err));
        if (ordered) break;
      }
      continue;
    }
    if (w.executed(i)) {
      n++;
      continue;
    }
    // mongod stores _id as the first field, generating one when the client sent none.
    const doc = { _id: docs[i]._id === undefined ? new ObjectId() : docs[i]._id, ...docs[i] };
    try {
      w.last = insertDocument(ctx, w.ns, doc, w.stmt(i));
      n++;
    } catch (err) {
      writeErrors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return finishWrite(w, { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 });
}

/** The document an upsert starts from: the equality fields of its filter (manual: "Upsert Behavior"). */
function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) Object.assign(seed, ...v.map((f) => upsertSeed(f as Document)));
    if (k.startsWith('$')) continue;
    const isOps = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Document)[0]?.startsWith('$');
    const value = isOps ? (v as Document).$eq : v;
    if (value === undefined) continue;
    const parts = k.split('.');
    let cur = seed;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Document;
    cur[parts[parts.length - 1]] = value;
  }
  return seed;
}

function targets(ctx: CommandContext, ns: string, q: Document, multi: boolean, sort?: Document): Document[] {
  return runQuery(ctx.member, ns, { filter: q, sort, limit: multi ? 0 : 1 });
}

function upsertDocument(ctx: CommandContext, w: WriteState, q: Document, u: Document, i: number): Document {
  const seed = upsertSeed(q);
  const base = isOperatorUpdate(u) ? applyUpdate(seed, u, true) : applyUpdate({ _id: seed._id }, u, true);
  const doc = base._id === undefined ? { _id: new ObjectId(), ...base } : base;
  if (doc._id === undefined) delete doc._id;
  w.last = insertDocument(ctx, w.ns, doc, w.stmt(i));
  return doc;
}

async function update(ctx: CommandContext): Promise<Document> {
  const w = beginWrite(ctx, 'update');
  const ordered = boolArg(ctx.cmd, 'ordered', true);
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  const stmts = statements(ctx, 'updates');
  for (let i = 0; i < stmts.length; i++) {
    const st = stmts[i];
    const prior = w.executed(i);
    if (prior) {
      n++;
      if (prior.op === 'i') upserted.push({ index: i, _id: prior.upsertedId });
      else nModified++;
      continue;
    }
    try {
      if (Array.isArray(st.u)) throw new CommandError('NotYetImplemented', 'pipeline-style updates are not supported by the sandbox');
      const q = docArg(st, 'q');
      const u = docArg(st, 'u');
      const multi = boolArg(st, 'multi', false);
      if (multi && !isOperatorUpdate(u)) throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
      const found = targets(ctx, w.ns, q, multi);
      if (found.length === 0 && boolArg(st, 'upsert', false)) {
        const doc = upsertDocument(ctx, w, q, u, i);
        upserted.push({ index: i, _id: doc._id });
        n++;
        continue;
      }
      for (const before of found) {
        const after = applyUpdate(before, u, false);
        const t = updateDocument(ctx, w.ns, before, after, !isOperatorUpdate(u), w.stmt(i));
        ctx.member.opcounters.update++;
        n++;
        if (t) {
          w.last = t;
          nModified++;
        }
      }
    } catch (err) {
      writeErrors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return finishWrite(w, reply);
}

async function remove(ctx: CommandContext): Promise<Document> {
  const w = beginWrite(ctx, 'delete');
  const ordered = boolArg(ctx.cmd, 'ordered', true);
  const writeErrors: Document[] = [];
  let n = 0;
  const stmts = statements(ctx, 'deletes');
  for (let i = 0; i < stmts.length; i++) {
    if (w.executed(i)) {
      n++;
      continue;
    }
    try {
      const limit = toNumber(stmts[i].limit ?? 0);
      for (const doc of targets(ctx, w.ns, docArg(stmts[i], 'q'), limit !== 1)) {
        w.last = deleteDocument(ctx, w.ns, doc, w.stmt(i));
        n++;
      }
    } catch (err) {
      writeErrors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return finishWrite(w, { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 });
}

async function findAndModify(ctx: CommandContext): Promise<Document> {
  const w = beginWrite(ctx, 'findAndModify');
  const { cmd } = ctx;
  const prior = w.executed(0);
  if (prior) {
    return finishWrite(w, { lastErrorObject: { n: 1, updatedExisting: prior.op === 'u', ...(prior.op === 'i' ? { upserted: prior.upsertedId } : {}) }, value: prior.image ?? null, ok: 1 });
  }
  const q = docArg(cmd, 'query');
  const wantNew = boolArg(cmd, 'new', false);
  const [before] = targets(ctx, w.ns, q, false, docArg(cmd, 'sort'));
  const fields = docArg(cmd, 'fields');
  const shape = (d: Document | null): Document | null => (d && Object.keys(fields).length ? project(d, fields) : d);
  if (boolArg(cmd, 'remove', false)) {
    if (!before) return finishWrite(w, { lastErrorObject: { n: 0 }, value: null, ok: 1 });
    w.last = deleteDocument(ctx, w.ns, before, w.stmt(0), before);
    return finishWrite(w, { lastErrorObject: { n: 1 }, value: shape(before), ok: 1 });
  }
  if (cmd.update === undefined || Array.isArray(cmd.update)) throw new CommandError('FailedToParse', 'findAndModify needs "update" (a document) or "remove: true"');
  const u = docArg(cmd, 'update');
  if (!before) {
    if (!boolArg(cmd, 'upsert', false)) return finishWrite(w, { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 });
    const doc = upsertDocument(ctx, w, q, u, 0);
    return finishWrite(w, { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: wantNew ? shape(doc) : null, ok: 1 });
  }
  const after = applyUpdate(before, u, false);
  const value = wantNew ? after : before;
  const t = updateDocument(ctx, w.ns, before, after, !isOperatorUpdate(u), w.stmt(0), { kind: wantNew ? 'postImage' : 'preImage', value: shape(value) });
  ctx.member.opcounters.update++;
  if (t) w.last = t;
  return finishWrite(w, { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(value), ok: 1 });
}

export const writeCommands: CommandTable = {
  insert: { run: insert, kind: 'write' },
  update: { run: update, kind: 'write' },
  delete: { run: remove, kind: 'write' },
  findAndModify: { run: findAndModify, kind: 'write' },
  findandmodify: { run: findAndModify, kind: 'write' },
};

import { Double, Int32, Long, type Document } from 'bson';
import { aggregateCommands, runPipeline } from './aggregate';
import { readCommands } from './crud-read';
import { replSetConfigDoc } from './repl-status';
import { explainAggregateFlag } from './explain';
import { CommandError } from '../errors';
import { toNumber } from '../query/values';
import { matches } from '../query/filter';
import type { InProgressOp, OpClient } from '../ops';
import type { CommandContext, CommandTable } from './context';

/**
 * Diagnostics that mongosh's helpers read and that the data-plane handlers do not know: the $collStats and
 * $currentOp stages and local.system.replset. Everything else falls through to the ordinary find/aggregate.
 */
const baseAggregate = aggregateCommands.aggregate;
const baseFind = readCommands.find;

/** $collStats {storageStats:{}} as mongod answers it (document_source_coll_stats.cpp / CollectionStats): sizes in bytes. */
function collStatsDoc(ctx: CommandContext, coll: string, spec: Document): Document {
  const ns = `${ctx.db}.${coll}`;
  const out: Document = { ns, host: ctx.member.host, localTime: new Date() };
  const store = ctx.member.store;
  if (!store) throw new CommandError('NotPrimaryOrSecondary', 'an arbiter holds no data: run $collStats on a data-bearing member');
  if (spec.storageStats !== undefined) {
    if (ns === 'local.oplog.rs') {
      const o = store.oplog;
      out.storageStats = { size: o.sizeBytes, count: o.size, avgObjSize: o.size ? Math.floor(o.sizeBytes / o.size) : 0, storageSize: o.sizeBytes, capped: true, max: Long.fromNumber(-1), maxSize: Long.fromNumber(o.maxBytes), nindexes: 0, totalIndexSize: 0, indexSizes: {} };
    } else {
      const c = store.collection(ns);
      const count = c ? c.docs.size : 0;
      const size = c ? c.dataSize : 0;
      const capped = !!c?.options.capped;
      out.storageStats = {
        size,
        count,
        avgObjSize: count ? Math.floor(size / count) : 0,
        storageSize: size,
        capped,
        ...(capped ? { max: Long.fromNumber(Number(c!.options.max ?? -1)), maxSize: Long.fromNumber(Number(c!.options.size ?? 0)) } : {}),
        nindexes: c ? c.indexes.length : 0,
        totalIndexSize: 0,
        indexSizes: Object.fromEntries((c?.indexes ?? []).map((ix) => [ix.name, 0])),
      };
    }
  }
  if (spec.count !== undefined) out.count = ns === 'local.oplog.rs' ? store.oplog.size : (store.collection(ns)?.docs.size ?? 0);
  if (spec.latencyStats !== undefined) out.latencyStats = { reads: { latency: Long.ZERO, ops: Long.ZERO }, writes: { latency: Long.ZERO, ops: Long.ZERO }, commands: { latency: Long.ZERO, ops: Long.ZERO } };
  return out;
}

function clientFields(ctx: CommandContext, c: OpClient): Document {
  return { type: 'op', host: ctx.member.host, desc: `conn${c.id}`, connectionId: c.id, client: c.client, ...(c.clientMetadata ? { clientMetadata: c.clientMetadata } : {}), ...(typeof c.clientMetadata?.application?.name === 'string' ? { appName: c.clientMetadata.application.name } : {}) };
}

/** One operation as $currentOp and the currentOp command show it (the manual's currentOp output fields). */
function opDoc(ctx: CommandContext, op: InProgressOp): Document {
  const micros = op.micros;
  const { op: kind, ns } = op.describe();
  const command = Object.fromEntries(Object.entries(op.cmd).filter(([k]) => k !== '$clusterTime'));
  const doc: Document = {
    ...clientFields(ctx, op.conn),
    active: true,
    currentOpTime: new Date().toISOString(),
    opid: op.opid,
    ...(op.cmd.lsid ? { lsid: op.cmd.lsid } : {}),
    secs_running: Long.fromBigInt(micros / 1_000_000n),
    microsecs_running: Long.fromBigInt(micros),
    op: kind,
    ns,
    redacted: false,
    command,
    numYields: 0,
    locks: {},
    waitingForLock: false,
    lockStats: {},
    waitingForFlowControl: false,
  };
  if (op.killed && op.reason === 'Interrupted') doc.killPending = true;
  if (kind === 'getmore') {
    const origin = ctx.member.cursors.origin(op.cmd.getMore);
    if (origin) doc.cursor = { cursorId: op.cmd.getMore, createdDate: new Date(origin.created), lastAccessDate: new Date(origin.lastUsed), nDocsReturned: Long.fromNumber(origin.returned), tailable: origin.tailable, awaitData: origin.awaitData };
  }
  return doc;
}

/**
 * $currentOp (and the currentOp command): every operation in progress on this member, the asking one included;
 * idleConnections adds connections that run nothing (active: false). allUsers is accepted and has no effect
 * without auth users to tell apart.
 */
function currentOpDocs(ctx: CommandContext, spec: Document): Document[] {
  const docs = ctx.member.ops.list().map((op) => opDoc(ctx, op));
  if (spec.idleConnections === true) for (const c of ctx.member.ops.idle()) docs.push({ ...clientFields(ctx, c), active: false, currentOpTime: new Date().toISOString() });
  return docs;
}

function checkAdmin(ctx: CommandContext, name: string): void {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', `${name} may only be run against the admin database.`);
}

/** currentOp: {inprog: [...]} filtered by the rest of the command document, as the manual's examples do. */
function currentOpCommand(ctx: CommandContext): Document {
  checkAdmin(ctx, 'currentOp');
  const filter: Document = {};
  for (const [k, v] of Object.entries(ctx.cmd)) if (!['currentOp', '$all', '$ownOps', 'comment', 'lsid', '$db', '$clusterTime', '$readPreference'].includes(k)) filter[k] = v;
  const all = ctx.cmd.$all === true;
  const docs = currentOpDocs(ctx, { idleConnections: all });
  // "$all: true overrides any output field filters" (manual, currentOp)
  return { inprog: all ? docs : docs.filter((d) => matches(d, filter)), ok: 1 };
}

/** killOp {op: <opid>} on admin: marks the operation killed; it fails with Interrupted at its next interrupt point. */
function killOp(ctx: CommandContext): Document {
  checkAdmin(ctx, 'killOp');
  const raw = ctx.cmd.op;
  if (raw === undefined) throw new CommandError('NoSuchKey', 'Missing expected field "op"');
  if (typeof raw !== 'number' && !(raw instanceof Long) && !(raw instanceof Int32) && !(raw instanceof Double)) throw new CommandError('TypeMismatch', `"op" had the wrong type. Expected number, found ${typeof raw}`);
  const opid = toNumber(raw);
  if (!Number.isInteger(opid) || opid < -2147483648 || opid > 2147483647) throw new CommandError('Location26823', `invalid op : ${opid}. Op ID cannot be represented with 32 bits`);
  ctx.member.ops.kill(opid);
  return { info: 'attempting to kill op', ok: 1 };
}

async function aggregate(ctx: CommandContext): Promise<Document> {
  const pipeline = Array.isArray(ctx.cmd.pipeline) ? (ctx.cmd.pipeline as Document[]) : [];
  const first = pipeline[0] ?? {};
  if (ctx.cmd.explain === true && typeof ctx.cmd.aggregate === 'string') return explainAggregateFlag(ctx);
  // Both stages must come first in a pipeline, as on mongod; the stages after them run over what they produce.
  if (first.$collStats !== undefined && typeof ctx.cmd.aggregate === 'string') return finish(ctx, [collStatsDoc(ctx, ctx.cmd.aggregate, first.$collStats as Document)], pipeline.slice(1));
  if (first.$currentOp !== undefined && typeof ctx.cmd.aggregate !== 'string' && toNumber(ctx.cmd.aggregate) === 1 && ctx.db === 'admin') return finish(ctx, currentOpDocs(ctx, first.$currentOp as Document), pipeline.slice(1));
  // mongosh counts local.system.replset with an aggregate ($match, $group) before reading it
  if (ctx.db === 'local' && ctx.cmd.aggregate === 'system.replset') return finish(ctx, [replSetConfigDoc(ctx)], pipeline);
  return baseAggregate.run(ctx);
}

function finish(ctx: CommandContext, docs: Document[], rest: Document[]): Document {
  return ctx.member.cursors.open(`${ctx.db}.${String(ctx.cmd.aggregate)}`, runPipeline(docs, rest), Number.MAX_SAFE_INTEGER);
}

async function find(ctx: CommandContext): Promise<Document> {
  if (ctx.db === 'local' && ctx.cmd.find === 'system.replset') return ctx.member.cursors.open('local.system.replset', [replSetConfigDoc(ctx)], Number.MAX_SAFE_INTEGER);
  return baseFind.run(ctx);
}

export const diagnosticsCommands: CommandTable = {
  aggregate: { ...baseAggregate, run: aggregate },
  find: { ...baseFind, run: find },
  currentOp: { run: currentOpCommand },
  killOp: { run: killOp },
};

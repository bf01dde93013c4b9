import { Long, type Document } from 'bson';
import { aggregateCommands, runPipeline } from './aggregate';
import { readCommands } from './crud-read';
import { replSetConfigDoc } from './repl-status';
import { CommandError } from '../errors';
import { toNumber } from '../query/values';
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

/** $currentOp: the sandbox runs each command to completion on one event loop, so the only op in progress is this one. */
function currentOpDocs(ctx: CommandContext): Document[] {
  return [{ type: 'op', host: ctx.member.host, desc: `conn${ctx.conn.id}`, connectionId: ctx.conn.id, active: true, currentOpTime: new Date().toISOString(), opid: ctx.conn.id, secs_running: Long.ZERO, microsecs_running: Long.ZERO, op: 'command', ns: `${ctx.db}.$cmd.aggregate`, command: ctx.cmd, numYields: 0, waitingForLock: false }];
}

async function aggregate(ctx: CommandContext): Promise<Document> {
  const pipeline = Array.isArray(ctx.cmd.pipeline) ? (ctx.cmd.pipeline as Document[]) : [];
  const first = pipeline[0] ?? {};
  // Both stages must come first in a pipeline, as on mongod; the stages after them run over what they produce.
  if (first.$collStats !== undefined && typeof ctx.cmd.aggregate === 'string') return finish(ctx, [collStatsDoc(ctx, ctx.cmd.aggregate, first.$collStats as Document)], pipeline.slice(1));
  if (first.$currentOp !== undefined && typeof ctx.cmd.aggregate !== 'string' && toNumber(ctx.cmd.aggregate) === 1 && ctx.db === 'admin') return finish(ctx, currentOpDocs(ctx), pipeline.slice(1));
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
};

import { Long, Timestamp, type Document } from 'bson';
import type { Tail } from '../cursors';
import { CommandError } from '../errors';
import { bigToTs } from '../oplog';
import { pathValues } from '../query/filter';
import { project } from '../query/shape';
import { valuesEqual } from '../query/values';
import { viewDefinition } from '../views';
import { docArg, intArg, stringArg, type CommandContext, type CommandTable } from './context';
import { OPLOG_NS, runQuery } from './query-exec';

function nsOf(ctx: CommandContext, field: string): string {
  return `${ctx.db}.${stringArg(ctx.cmd, field)}`;
}

/**
 * A tailable cursor on the oplog keeps returning entries newer than the last one it gave (awaitData: a
 * getMore waits up to maxTimeMS for them), the way oplog tailers read local.oplog.rs.
 */
function oplogTail(ctx: CommandContext, filter: Document, projection: Document, docs: Document[]): Tail {
  let last: Timestamp | undefined = docs.length ? (docs[docs.length - 1].ts as Timestamp) : undefined;
  if (!last) {
    const cond = filter.ts as Document | undefined;
    const start = cond instanceof Timestamp ? cond : (cond?.$gt ?? cond?.$gte);
    last = start instanceof Timestamp ? start : undefined;
  }
  const since = last ?? bigToTs(ctx.member.lastApplied().ts);
  let after = since;
  return {
    awaitData: ctx.cmd.awaitData === true,
    refill: () => {
      const rest = { ...filter };
      delete rest.ts;
      const more = runQuery(ctx.member, OPLOG_NS, { filter: { ...rest, ts: { $gt: after } } });
      if (more.length) after = more[more.length - 1].ts as Timestamp;
      return Object.keys(projection).length ? more.map((d) => project(d, projection)) : more;
    },
  };
}

function find(ctx: CommandContext): Document {
  const { cmd } = ctx;
  const ns = nsOf(ctx, 'find');
  const rawLimit = intArg(cmd, 'limit', 0);
  const singleBatch = cmd.singleBatch === true || rawLimit < 0;
  const limit = Math.abs(rawLimit);
  const filter = docArg(cmd, 'filter');
  const projection = docArg(cmd, 'projection');
  const tailable = cmd.tailable === true;
  if (tailable && ns !== OPLOG_NS) throw new CommandError('BadValue', 'the sandbox supports tailable cursors on local.oplog.rs only');
  const docs = runQuery(ctx.member, ns, { filter, sort: docArg(cmd, 'sort'), projection: tailable ? undefined : projection, skip: intArg(cmd, 'skip', 0), limit });
  const tail = tailable ? oplogTail(ctx, filter, projection, docs) : undefined;
  const shaped = tailable && Object.keys(projection).length ? docs.map((d) => project(d, projection)) : docs;
  const batchSize = intArg(cmd, 'batchSize', 101);
  if (batchSize < 0) throw new CommandError('BadValue', 'batchSize must be non-negative');
  return ctx.member.cursors.open(ns, shaped, batchSize === 0 && !singleBatch ? 0 : batchSize || shaped.length, singleBatch, tail);
}

function getMore(ctx: CommandContext): Document {
  const id = ctx.cmd.getMore;
  if (!(id instanceof Long)) throw new CommandError('TypeMismatch', 'getMore needs a cursor id (a 64-bit integer)');
  const ns = `${ctx.db}.${stringArg(ctx.cmd, 'collection')}`;
  return ctx.member.cursors.getMore(id, ns, intArg(ctx.cmd, 'batchSize', Number.MAX_SAFE_INTEGER) || Number.MAX_SAFE_INTEGER, intArg(ctx.cmd, 'maxTimeMS', 1000), ctx.op);
}

function killCursors(ctx: CommandContext): Document {
  const ids = (ctx.cmd.cursors as unknown[] | undefined) ?? [];
  const longs = ids.map((x) => (x instanceof Long ? x : Long.fromNumber(Number(x))));
  const { killed, notFound } = ctx.member.cursors.kill(longs);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(ctx: CommandContext): Document {
  const query = docArg(ctx.cmd, 'query');
  const ns = nsOf(ctx, 'count');
  // estimatedDocumentCount: no filter, no skip/limit — the collection's size, without reading documents.
  if (Object.keys(query).length === 0 && ctx.cmd.skip === undefined && ctx.cmd.limit === undefined && ns !== OPLOG_NS && !viewDefinition(ctx.member.store!, ns)) {
    return { n: ctx.member.store?.collection(ns)?.docs.size ?? 0, ok: 1 };
  }
  const docs = runQuery(ctx.member, nsOf(ctx, 'count'), { filter: docArg(ctx.cmd, 'query'), skip: intArg(ctx.cmd, 'skip', 0), limit: Math.abs(intArg(ctx.cmd, 'limit', 0)) });
  return { n: docs.length, ok: 1 };
}

function distinct(ctx: CommandContext): Document {
  const key = ctx.cmd.key;
  if (typeof key !== 'string') throw new CommandError('TypeMismatch', 'distinct needs a "key" string');
  const values: unknown[] = [];
  for (const d of runQuery(ctx.member, nsOf(ctx, 'distinct'), { filter: docArg(ctx.cmd, 'query') })) {
    for (const v of pathValues(d, key.split('.'))) {
      if (typeof v === 'symbol') continue;
      for (const x of Array.isArray(v) ? v : [v]) if (!values.some((y) => valuesEqual(x, y))) values.push(x);
    }
  }
  return { values, ok: 1 };
}

export const readCommands: CommandTable = {
  find: { run: find, kind: 'read', counter: 'query' },
  getMore: { run: getMore, kind: 'read', counter: 'getmore' },
  killCursors: { run: killCursors, kind: 'read' },
  count: { run: count, kind: 'read' },
  distinct: { run: distinct, kind: 'read' },
};

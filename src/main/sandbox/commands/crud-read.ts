import { Long, type Document } from 'bson';
import { CommandError } from '../errors';
import { pathValues } from '../query/filter';
import { valuesEqual } from '../query/values';
import { docArg, intArg, stringArg, type CommandContext, type CommandTable } from './context';
import { runQuery } from './query-exec';

function nsOf(ctx: CommandContext, field: string): string {
  return `${ctx.db}.${stringArg(ctx.cmd, field)}`;
}

function find(ctx: CommandContext): Document {
  const { cmd } = ctx;
  const ns = nsOf(ctx, 'find');
  const rawLimit = intArg(cmd, 'limit', 0);
  const singleBatch = cmd.singleBatch === true || rawLimit < 0;
  const limit = Math.abs(rawLimit);
  const docs = runQuery(ctx.member, ns, {
    filter: docArg(cmd, 'filter'),
    sort: docArg(cmd, 'sort'),
    projection: docArg(cmd, 'projection'),
    skip: intArg(cmd, 'skip', 0),
    limit,
  });
  const batchSize = intArg(cmd, 'batchSize', 101);
  if (batchSize < 0) throw new CommandError('BadValue', 'batchSize must be non-negative');
  return ctx.member.cursors.open(ns, docs, batchSize === 0 && !singleBatch ? 0 : batchSize || docs.length, singleBatch);
}

function getMore(ctx: CommandContext): Document {
  const id = ctx.cmd.getMore;
  if (!(id instanceof Long)) throw new CommandError('TypeMismatch', 'getMore needs a cursor id (a 64-bit integer)');
  const ns = `${ctx.db}.${stringArg(ctx.cmd, 'collection')}`;
  return ctx.member.cursors.getMore(id, ns, intArg(ctx.cmd, 'batchSize', Number.MAX_SAFE_INTEGER) || Number.MAX_SAFE_INTEGER);
}

function killCursors(ctx: CommandContext): Document {
  const ids = (ctx.cmd.cursors as unknown[] | undefined) ?? [];
  const longs = ids.map((x) => (x instanceof Long ? x : Long.fromNumber(Number(x))));
  const { killed, notFound } = ctx.member.cursors.kill(longs);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(ctx: CommandContext): Document {
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

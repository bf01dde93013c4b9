import type { Document } from 'bson';
import { CommandError } from '../errors';
import { matches, pathValues } from '../query/filter';
import { project, sortDocuments } from '../query/shape';
import { addNumbers } from '../query/update';
import { bsonTypeOf, compareValues, idKey, isNumeric, toNumber } from '../query/values';
import { docArg, stringArg, type CommandContext, type CommandTable } from './context';
import { runQuery } from './query-exec';
import { unpackBuckets } from '../timeseries';

/** aggregate with the stages the desk needs: $match $sort $limit $skip $project $count $group $unwind $addFields. */
function fieldValue(doc: Document, expr: unknown): unknown {
  if (typeof expr === 'string' && expr.startsWith('$')) {
    const v = pathValues(doc, expr.slice(1).split('.'))[0];
    return typeof v === 'symbol' ? undefined : v;
  }
  if (bsonTypeOf(expr) !== 'object') return expr;
  if (Object.keys(expr as Document)[0]?.startsWith('$'))
    throw new CommandError('BadValue', `expression operator ${Object.keys(expr as Document)[0]} is not supported by the sandbox`);
  const out: Document = {};
  for (const [k, v] of Object.entries(expr as Document)) out[k] = fieldValue(doc, v);
  return out;
}

function group(docs: Document[], spec: Document): Document[] {
  const groups = new Map<string, Document>();
  const acc = Object.entries(spec).filter(([k]) => k !== '_id');
  for (const doc of docs) {
    const id = fieldValue(doc, spec._id) ?? null;
    const key = idKey(id);
    let g = groups.get(key);
    if (!g) {
      g = { _id: id };
      for (const [name, a] of acc) {
        const op = Object.keys(a as Document)[0];
        g[name] = op === '$sum' ? 0 : op === '$push' || op === '$addToSet' ? [] : op === '$avg' ? { sum: 0, n: 0 } : undefined;
      }
      groups.set(key, g);
    }
    for (const [name, a] of acc) {
      const [op, expr] = Object.entries(a as Document)[0];
      const v = fieldValue(doc, expr);
      switch (op) {
        case '$sum':
          if (isNumeric(v)) g[name] = addNumbers(g[name], v);
          break;
        case '$avg':
          if (isNumeric(v)) g[name] = { sum: g[name].sum + toNumber(v), n: g[name].n + 1 };
          break;
        case '$min':
          if (v !== undefined && (g[name] === undefined || compareValues(v, g[name]) < 0)) g[name] = v;
          break;
        case '$max':
          if (v !== undefined && (g[name] === undefined || compareValues(v, g[name]) > 0)) g[name] = v;
          break;
        case '$first':
          if (!(`__first_${name}` in g)) {
            g[name] = v ?? null;
            Object.defineProperty(g, `__first_${name}`, { value: true, enumerable: false });
          }
          break;
        case '$last':
          g[name] = v ?? null;
          break;
        case '$push':
          if (v !== undefined) (g[name] as unknown[]).push(v);
          break;
        case '$addToSet':
          if (v !== undefined && !(g[name] as unknown[]).some((x) => compareValues(x, v) === 0)) (g[name] as unknown[]).push(v);
          break;
        default:
          throw new CommandError('BadValue', `accumulator ${op} is not supported by the sandbox`);
      }
    }
  }
  return [...groups.values()].map((g) => {
    for (const [name, a] of acc) if (Object.keys(a as Document)[0] === '$avg') g[name] = g[name].n ? g[name].sum / g[name].n : null;
    return g;
  });
}

export function runPipeline(input: Document[], pipeline: Document[]): Document[] {
  let docs = input;
  for (const stage of pipeline) {
    const [name, arg] = Object.entries(stage)[0] ?? [];
    switch (name) {
      case '$match':
        docs = docs.filter((d) => matches(d, arg as Document));
        break;
      case '$sort':
        docs = sortDocuments(docs, arg as Document);
        break;
      case '$limit':
        docs = docs.slice(0, toNumber(arg));
        break;
      case '$skip':
        docs = docs.slice(toNumber(arg));
        break;
      case '$project':
        docs = docs.map((d) => project(d, arg as Document));
        break;
      case '$addFields':
      case '$set':
        docs = docs.map((d) => ({ ...d, ...(fieldValue(d, arg) as Document) }));
        break;
      case '$_internalUnpackBucket':
        docs = unpackBuckets(docs, arg as Document);
        break;
      case '$count':
        docs = docs.length ? [{ [String(arg)]: docs.length }] : [];
        break;
      case '$group':
        docs = group(docs, arg as Document);
        break;
      case '$unwind': {
        const path = (typeof arg === 'string' ? arg : String((arg as Document).path)).slice(1);
        docs = docs.flatMap((d) => {
          const v = d[path];
          return Array.isArray(v) ? v.map((x) => ({ ...d, [path]: x })) : v === undefined || v === null ? [] : [d];
        });
        break;
      }
      default:
        throw new CommandError('BadValue', `Unrecognized pipeline stage name: '${String(name)}' (the sandbox supports $match $sort $limit $skip $project $addFields $count $group $unwind)`);
    }
  }
  return docs;
}

function aggregate(ctx: CommandContext): Document {
  if (typeof ctx.cmd.aggregate !== 'string') throw new CommandError('InvalidNamespace', 'the sandbox runs aggregate on a collection only');
  const ns = `${ctx.db}.${stringArg(ctx.cmd, 'aggregate')}`;
  const pipeline = ctx.cmd.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', '"pipeline" must be an array');
  const cursor = docArg(ctx.cmd, 'cursor');
  const out = runPipeline(runQuery(ctx.member, ns, { filter: {} }), pipeline as Document[]);
  const batchSize = cursor.batchSize === undefined ? 101 : toNumber(cursor.batchSize);
  return ctx.member.cursors.open(ns, out, batchSize);
}

export const aggregateCommands: CommandTable = {
  aggregate: { run: aggregate, kind: 'read', counter: 'query' },
};

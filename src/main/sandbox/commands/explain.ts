import { createHash } from 'node:crypto';
import { Long, type Document } from 'bson';
import { CommandError } from '../errors';
import type { Collection, IndexSpec } from '../member-store';
import { matches } from '../query/filter';
import { sortDocuments } from '../query/shape';
import { isNumeric } from '../query/values';
import { runPipeline } from './aggregate';
import { docArg, intArg, stringArg, type CommandContext, type CommandTable } from './context';
import { OPLOG_NS, runQuery } from './query-exec';

/**
 * explain for find, aggregate and count, shaped as the classic query engine of 7.0 answers it
 * (explainVersion "1"; https://www.mongodb.com/docs/v7.0/reference/explain-results/): queryPlanner with the
 * plan mongod's planner would choose for the query and the collection's indexes — IDHACK for an _id equality,
 * FETCH over IXSCAN when an index's first key has an equality or range predicate, COLLSCAN otherwise, with
 * SORT / SKIP / LIMIT / PROJECTION_SIMPLE above — and, for the verbosities that ask, executionStats from
 * actually running the query. The sandbox itself only ever looks documents up by _id or scans, so the plan
 * describes what mongod would do, and the examined counts are what that plan would examine.
 */
type Verbosity = 'queryPlanner' | 'executionStats' | 'allPlansExecution';

const RANGE_OPS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte']);

interface QueryShape {
  ns: string;
  filter: Document;
  sort: Document;
  skip: number;
  limit: number;
  projection: Document;
}

interface Plan {
  winningPlan: Document;
  /** Fills in execution statistics for the plan's stages, from the documents the query touched. */
  stats(run: { examinedDocs: number; examinedKeys: number; returned: number; millis: number }): { stages: Document; keys: number; docs: number };
}

function verbosityOf(raw: unknown): Verbosity {
  if (raw === undefined) return 'allPlansExecution';
  if (raw === 'queryPlanner' || raw === 'executionStats' || raw === 'allPlansExecution') return raw;
  throw new CommandError('BadValue', `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`);
}

/** {a: 5, b: {$gt: 1}} as mongod's parsedQuery prints it: {$and: [{a: {$eq: 5}}, {b: {$gt: 1}}]}. */
export function parsedQuery(filter: Document): Document {
  const parts: Document[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) parts.push({ [k]: v });
    else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((op) => op.startsWith('$'))) {
      for (const [op, arg] of Object.entries(v as Document)) parts.push({ [k]: { [op]: arg } });
    } else parts.push({ [k]: { $eq: v } });
  }
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { $and: parts };
}

function boundValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return isNumeric(v) ? `${Number(v)}` : String(v);
}

/** indexBounds of the first key: the predicate's interval, as explain prints it ("[5, 5]", "(1, inf.0]"). */
function bounds(cond: unknown): string[] {
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || !Object.keys(cond).every((k) => k.startsWith('$'))) return [`[${boundValue(cond)}, ${boundValue(cond)}]`];
  const c = cond as Document;
  if (c.$eq !== undefined) return [`[${boundValue(c.$eq)}, ${boundValue(c.$eq)}]`];
  const str = typeof (c.$gt ?? c.$gte ?? c.$lt ?? c.$lte) === 'string';
  const lo = c.$gt !== undefined ? `(${boundValue(c.$gt)}` : c.$gte !== undefined ? `[${boundValue(c.$gte)}` : str ? '[""' : '[-inf.0';
  const hi = c.$lt !== undefined ? `${boundValue(c.$lt)})` : c.$lte !== undefined ? `${boundValue(c.$lte)}]` : str ? '{})' : 'inf.0]';
  return [`${lo}, ${hi}`];
}

/** A predicate an index can answer: equality on a plain value, or a range with $gt/$gte/$lt/$lte. */
function indexable(cond: unknown): boolean {
  if (cond instanceof RegExp) return false;
  if (cond && typeof cond === 'object' && !Array.isArray(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) return Object.keys(cond).every((k) => RANGE_OPS.has(k));
  return cond === null || typeof cond !== 'object' || !Array.isArray(cond);
}

function restFilter(filter: Document, field: string): Document {
  const rest = { ...filter };
  delete rest[field];
  return rest;
}

function chooseIndex(coll: Collection | undefined, filter: Document): { ix: IndexSpec; field: string } | null {
  if (!coll) return null;
  // The first index whose leading key the query constrains (mongod would rank the candidates by a trial run;
  // with one candidate, as in DR Desk's collections, it is the plan it picks).
  for (const ix of coll.indexes) {
    const field = Object.keys(ix.key)[0];
    if (field !== undefined && field in filter && indexable(filter[field])) return { ix, field };
  }
  return null;
}

function accessPlan(coll: Collection | undefined, q: QuerySpecLike): Plan {
  const filter = q.filter;
  const keys = Object.keys(filter);
  const idOnly = keys.length === 1 && keys[0] === '_id' && indexable(filter._id) && !(filter._id && typeof filter._id === 'object' && Object.keys(filter._id as Document).some((k) => k !== '$eq' && k.startsWith('$')));
  if (idOnly && coll) {
    return {
      winningPlan: { stage: 'IDHACK' },
      stats: (r) => ({ stages: { stage: 'IDHACK', ...work(r.returned, r.returned, r.millis), keysExamined: r.examinedKeys, docsExamined: r.examinedDocs }, keys: r.examinedKeys, docs: r.examinedDocs }),
    };
  }
  const chosen = chooseIndex(coll, filter);
  if (chosen) {
    const { ix, field } = chosen;
    const indexBounds: Document = {};
    for (const k of Object.keys(ix.key)) indexBounds[k] = k === field ? bounds(filter[field]) : ['[MinKey, MaxKey]'];
    const ixscan: Document = {
      stage: 'IXSCAN',
      keyPattern: ix.key,
      indexName: ix.name,
      isMultiKey: false,
      multiKeyPaths: Object.fromEntries(Object.keys(ix.key).map((k) => [k, []])),
      isUnique: ix.unique === true || ix.name === '_id_',
      isSparse: false,
      isPartial: false,
      indexVersion: 2,
      direction: 'forward',
      indexBounds,
    };
    const rest = restFilter(filter, field);
    const fetch: Document = { stage: 'FETCH', ...(Object.keys(rest).length ? { filter: parsedQuery(rest) } : {}), inputStage: ixscan };
    return {
      winningPlan: fetch,
      stats: (r) => ({
        stages: {
          ...withoutInput(fetch),
          ...work(r.examinedKeys + 1, r.returned, r.millis),
          docsExamined: r.examinedDocs,
          alreadyHasObj: 0,
          inputStage: { ...ixscan, ...work(r.examinedKeys + 1, r.examinedKeys, r.millis), keysExamined: r.examinedKeys, seeks: 1, dupsTested: 0, dupsDropped: 0 },
        },
        keys: r.examinedKeys,
        docs: r.examinedDocs,
      }),
    };
  }
  const collscan: Document = { stage: 'COLLSCAN', ...(keys.length ? { filter: parsedQuery(filter) } : {}), direction: 'forward' };
  return {
    winningPlan: collscan,
    stats: (r) => ({ stages: { ...collscan, ...work(r.examinedDocs + 1, r.returned, r.millis), docsExamined: r.examinedDocs }, keys: 0, docs: r.examinedDocs }),
  };
}

interface QuerySpecLike {
  filter: Document;
}

function withoutInput(stage: Document): Document {
  const out = { ...stage };
  delete out.inputStage;
  return out;
}

/** The per-stage counters of executionStages (works, advanced, ...), for a stage that ran to EOF. */
function work(works: number, advanced: number, millis: number): Document {
  return { nReturned: advanced, executionTimeMillisEstimate: millis, works, advanced, needTime: Math.max(0, works - advanced - 1), needYield: 0, saveState: 0, restoreState: 0, isEOF: 1 };
}

/** Wraps the access plan in the stages a find adds (SORT, SKIP, LIMIT, PROJECTION_SIMPLE), innermost first. */
function wrap(plan: Document, q: QueryShape): Document {
  let p = plan;
  if (Object.keys(q.sort).length) p = { stage: 'SORT', sortPattern: q.sort, memLimit: 104857600, ...(q.limit ? { limitAmount: q.limit } : {}), type: 'simple', inputStage: p };
  if (q.skip) p = { stage: 'SKIP', skipAmount: q.skip, inputStage: p };
  if (q.limit && !Object.keys(q.sort).length) p = { stage: 'LIMIT', limitAmount: q.limit, inputStage: p };
  if (Object.keys(q.projection).length) p = { stage: 'PROJECTION_SIMPLE', transformBy: q.projection, inputStage: p };
  return p;
}

function wrapStats(inner: Document, q: QueryShape, returned: number, millis: number): Document {
  let p = inner;
  if (Object.keys(q.sort).length) p = { stage: 'SORT', ...work(p.nReturned + 2, returned, millis), sortPattern: q.sort, memLimit: 104857600, ...(q.limit ? { limitAmount: q.limit } : {}), type: 'simple', totalDataSizeSorted: 0, usedDisk: false, spills: 0, inputStage: p };
  if (q.skip) p = { stage: 'SKIP', ...work(p.nReturned + 1, returned, millis), skipAmount: q.skip, inputStage: p };
  if (q.limit && !Object.keys(q.sort).length) p = { stage: 'LIMIT', ...work(returned + 1, returned, millis), limitAmount: q.limit, inputStage: p };
  if (Object.keys(q.projection).length) p = { stage: 'PROJECTION_SIMPLE', ...work(returned + 1, returned, millis), transformBy: q.projection, inputStage: p };
  return p;
}

function queryHash(ns: string, filter: Document, sort: Document, projection: Document): string {
  // The hash of the query's shape (values replaced by their type), as planCacheKey/queryHash are: same shape, same hash.
  const shape = JSON.stringify([ns, Object.keys(filter).sort(), Object.keys(sort), Object.keys(projection)]);
  return createHash('sha256').update(shape).digest('hex').slice(0, 8).toUpperCase();
}

function serverInfo(ctx: CommandContext): Document {
  const [host, port] = ctx.member.host.split(':');
  return { host, port: Number(port), version: ctx.member.version, gitVersion: 'drdesk-sandbox' };
}

const SERVER_PARAMETERS: Document = {
  internalQueryFacetBufferSizeBytes: 104857600,
  internalQueryFacetMaxOutputDocSizeBytes: 104857600,
  internalLookupStageIntermediateDocumentMaxSizeBytes: 104857600,
  internalDocumentSourceGroupMaxMemoryBytes: 104857600,
  internalQueryMaxBlockingSortMemoryUsageBytes: 104857600,
  internalQueryProhibitBlockingMergeOnMongoS: 0,
  internalQueryMaxAddToSetBytes: 104857600,
  internalDocumentSourceSetWindowFieldsMaxMemoryBytes: 104857600,
  internalQueryFrameworkControl: 'trySbeRestricted',
};

/** Plans and (when asked) runs one query; returns queryPlanner and executionStats sections. */
function explainQuery(ctx: CommandContext, q: QueryShape, verbosity: Verbosity, root?: (plan: Document) => Document, rootStats?: (stages: Document, n: number) => Document): Document {
  const store = ctx.member.store;
  if (!store) throw new CommandError('NotPrimaryOrSecondary', 'node is not in primary or recovering state');
  const coll = q.ns === OPLOG_NS ? undefined : store.collection(q.ns);
  const plan = accessPlan(coll, q);
  let winning = wrap(plan.winningPlan, q);
  if (root) winning = root(winning);
  const out: Document = {
    queryPlanner: {
      namespace: q.ns,
      indexFilterSet: false,
      parsedQuery: parsedQuery(q.filter),
      queryHash: queryHash(q.ns, q.filter, q.sort, q.projection),
      planCacheKey: queryHash(`${q.ns}#key`, q.filter, q.sort, q.projection),
      maxIndexedOrSolutionsReached: false,
      maxIndexedAndSolutionsReached: false,
      maxScansToExplodeReached: false,
      winningPlan: winning,
      rejectedPlans: [],
    },
  };
  if (verbosity === 'queryPlanner') return out;
  const started = process.hrtime.bigint();
  const all = runQuery(ctx.member, q.ns, { filter: q.filter });
  const sorted = Object.keys(q.sort).length ? sortDocuments(all, q.sort) : all;
  const returned = sorted.slice(q.skip, q.limit ? q.skip + q.limit : undefined).length;
  const millis = Number((process.hrtime.bigint() - started) / 1_000_000n);
  // What the chosen plan examines: every document for a scan, the index's matches for an index scan.
  const total = q.ns === OPLOG_NS ? store.oplog.size : (coll?.docs.size ?? 0);
  const w = plan.winningPlan;
  let examinedKeys = 0;
  let examinedDocs = total;
  if (w.stage === 'IDHACK') examinedKeys = examinedDocs = all.length;
  else if (w.stage === 'FETCH') {
    const field = Object.keys((w.inputStage as Document).keyPattern as Document)[0];
    examinedKeys = examinedDocs = coll ? [...coll.scan()].filter((d) => matches(d, { [field]: q.filter[field] })).length : 0;
  }
  const access = plan.stats({ examinedDocs, examinedKeys, returned: all.length, millis });
  let stages = wrapStats(access.stages, q, returned, millis);
  if (rootStats) stages = rootStats(stages, returned);
  out.executionStats = {
    executionSuccess: true,
    nReturned: rootStats ? 0 : returned,
    executionTimeMillis: millis,
    totalKeysExamined: access.keys,
    totalDocsExamined: access.docs,
    executionStages: stages,
    ...(verbosity === 'allPlansExecution' ? { allPlansExecution: [] } : {}),
  };
  return out;
}

function findShape(ctx: CommandContext, cmd: Document): QueryShape {
  const limit = Math.abs(intArg(cmd, 'limit', 0));
  return { ns: `${ctx.db}.${stringArg(cmd, 'find')}`, filter: docArg(cmd, 'filter'), sort: docArg(cmd, 'sort'), skip: intArg(cmd, 'skip', 0), limit, projection: docArg(cmd, 'projection') };
}

const PUSHDOWN = new Set(['$match', '$sort', '$limit', '$skip', '$project']);

/** The leading $match/$sort/$skip/$limit/$project stages go into the query layer, as mongod pushes them down. */
function aggregateShape(ctx: CommandContext, cmd: Document): { q: QueryShape; rest: Document[] } {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', '"pipeline" must be an array');
  const q: QueryShape = { ns: `${ctx.db}.${stringArg(cmd, 'aggregate')}`, filter: {}, sort: {}, skip: 0, limit: 0, projection: {} };
  let i = 0;
  for (; i < pipeline.length; i++) {
    const st = pipeline[i] as Document;
    const name = Object.keys(st)[0];
    if (!PUSHDOWN.has(name)) break;
    if (name === '$match' && (Object.keys(q.sort).length || q.skip || q.limit || Object.keys(q.projection).length)) break;
    if (name === '$match') q.filter = { ...q.filter, ...(st.$match as Document) };
    else if (name === '$sort' && !q.limit && !q.skip) q.sort = st.$sort as Document;
    else if (name === '$skip' && !q.limit) q.skip = Number(st.$skip);
    else if (name === '$limit') q.limit = q.limit ? Math.min(q.limit, Number(st.$limit)) : Number(st.$limit);
    else if (name === '$project' && !Object.keys(q.projection).length) q.projection = st.$project as Document;
    else break;
  }
  return { q, rest: pipeline.slice(i) as Document[] };
}

function envelope(ctx: CommandContext, body: Document, inner: Document): Document {
  return { explainVersion: '1', ...body, command: { ...inner, $db: ctx.db }, serverInfo: serverInfo(ctx), serverParameters: SERVER_PARAMETERS, ok: 1 };
}

function explainAggregate(ctx: CommandContext, inner: Document, verbosity: Verbosity): Document {
  const { q, rest } = aggregateShape(ctx, inner);
  const planned = explainQuery(ctx, q, verbosity);
  if (rest.length === 0) return envelope(ctx, planned, inner);
  // Stages that stay in the aggregation layer: a $cursor stage with the query, then each stage as written.
  const stages: Document[] = [{ $cursor: planned }];
  if (verbosity !== 'queryPlanner') {
    const input = runQuery(ctx.member, q.ns, { filter: q.filter });
    let docs = Object.keys(q.sort).length ? sortDocuments(input, q.sort) : input;
    docs = docs.slice(q.skip, q.limit ? q.skip + q.limit : undefined);
    for (const st of rest) {
      docs = runPipeline(docs, [st]);
      stages.push({ ...st, nReturned: Long.fromNumber(docs.length), executionTimeMillisEstimate: Long.ZERO });
    }
  } else stages.push(...rest);
  return envelope(ctx, { stages }, inner);
}

function explainCount(ctx: CommandContext, inner: Document, verbosity: Verbosity): Document {
  const q: QueryShape = { ns: `${ctx.db}.${stringArg(inner, 'count')}`, filter: docArg(inner, 'query'), sort: {}, skip: intArg(inner, 'skip', 0), limit: Math.abs(intArg(inner, 'limit', 0)), projection: {} };
  if (Object.keys(q.filter).length === 0 && !q.skip && !q.limit) {
    // A count with no query reads the collection's record count (RECORD_STORE_FAST_COUNT).
    const n = ctx.member.store?.collection(q.ns)?.docs.size ?? 0;
    const body: Document = { queryPlanner: { namespace: q.ns, indexFilterSet: false, parsedQuery: {}, queryHash: queryHash(q.ns, {}, {}, {}), planCacheKey: queryHash(`${q.ns}#key`, {}, {}, {}), maxIndexedOrSolutionsReached: false, maxIndexedAndSolutionsReached: false, maxScansToExplodeReached: false, winningPlan: { stage: 'RECORD_STORE_FAST_COUNT' }, rejectedPlans: [] } };
    if (verbosity !== 'queryPlanner') body.executionStats = { executionSuccess: true, nReturned: 0, executionTimeMillis: 0, totalKeysExamined: 0, totalDocsExamined: 0, executionStages: { stage: 'RECORD_STORE_FAST_COUNT', ...work(1, 0, 0), nCounted: n, nSkipped: 0 } };
    return envelope(ctx, body, inner);
  }
  const body = explainQuery(
    ctx,
    { ...q, skip: 0, limit: 0 },
    verbosity,
    (plan) => ({ stage: 'COUNT', ...(q.limit ? { limitAmount: q.limit } : {}), ...(q.skip ? { skipAmount: q.skip } : {}), inputStage: plan }),
    (stages, n) => {
      const counted = Math.max(0, Math.min(q.limit || Infinity, n - q.skip));
      return { stage: 'COUNT', ...work(n + 1, 0, 0), nCounted: counted, nSkipped: Math.min(q.skip, n), inputStage: stages };
    },
  );
  return envelope(ctx, body, inner);
}

/** explain {<find|aggregate|count>}, verbosity — the command mongosh's .explain() and the drivers send. */
function explain(ctx: CommandContext): Document {
  const inner = ctx.cmd.explain;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) throw new CommandError('BadValue', 'explain command requires a nested object');
  const verbosity = verbosityOf(ctx.cmd.verbosity);
  const name = Object.keys(inner as Document)[0];
  if (name === 'find') {
    const q = findShape(ctx, inner as Document);
    return envelope(ctx, explainQuery(ctx, q, verbosity), inner as Document);
  }
  if (name === 'aggregate') return explainAggregate(ctx, inner as Document, verbosity);
  if (name === 'count') return explainCount(ctx, inner as Document, verbosity);
  throw new CommandError('CommandNotFound', `Explain failed due to unknown command: ${String(name)}: the sandbox explains find, aggregate and count`);
}

/** aggregate with explain: true answers the plan in queryPlanner verbosity instead of a cursor. */
export function explainAggregateFlag(ctx: CommandContext): Document {
  const inner = { ...ctx.cmd };
  delete inner.explain;
  return explainAggregate(ctx, inner, 'queryPlanner');
}

export const explainCommands: CommandTable = {
  explain: { run: explain, kind: 'read' },
};

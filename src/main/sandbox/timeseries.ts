import { ObjectId, type Document } from 'bson';
import { CommandError } from './errors';
import type { MemberRuntime } from './commands/context';
import { cloneValue } from './query/update';
import { valuesEqual } from './query/values';
import { viewDefinition, viewsNs } from './views';
import { collectionForWrite, insertDocument, updateDocument } from './writes';

/**
 * Time-series collections, simplified (https://www.mongodb.com/docs/manual/core/timeseries-collections/):
 * as on mongod, `create` with `timeseries` makes `<db>.system.buckets.<name>` (the oplog gets its create and
 * the bucket inserts/updates) plus a view `<name>` over it in system.views. A bucket here holds the
 * measurements of one meta value within one bucketMaxSpanSeconds window:
 * `{_id, control: {version: 1, min: {<time>}, max: {<time>}}, meta, data: {<field>: {"0": v, "1": v, ...}}}`
 * (mongod also keeps per-field min/max, compresses closed buckets, and caps a bucket at 1000 measurements).
 */
export interface TimeseriesSpec {
  timeField: string;
  metaField?: string;
  granularity: string;
  bucketMaxSpanSeconds: number;
}

const SPAN: Record<string, number> = { seconds: 3600, minutes: 86400, hours: 2592000 };

export function bucketsNs(db: string, name: string): string {
  return `${db}.system.buckets.${name}`;
}

export function parseTimeseries(raw: unknown): TimeseriesSpec {
  const t = (raw ?? {}) as Document;
  if (typeof t.timeField !== 'string' || !t.timeField) throw new CommandError('BadValue', 'timeseries needs a "timeField" name');
  const granularity = typeof t.granularity === 'string' ? t.granularity : 'seconds';
  if (!SPAN[granularity]) throw new CommandError('BadValue', `timeseries granularity must be seconds, minutes or hours, not ${granularity}`);
  return { timeField: t.timeField, ...(typeof t.metaField === 'string' ? { metaField: t.metaField } : {}), granularity, bucketMaxSpanSeconds: SPAN[granularity] };
}

/** create {timeseries}: the buckets collection (logged as its create) and the view in system.views. */
export function createTimeseries(rt: MemberRuntime, db: string, name: string, spec: TimeseriesSpec): void {
  const ns = bucketsNs(db, name);
  const coll = rt.member.store!.ensureCollection(ns).coll;
  coll.options = { clusteredIndex: true, timeseries: { ...spec } };
  rt.set.logOp(rt.member, { op: 'c', ns: `${db}.$cmd`, ui: coll.uuid, o: { create: `system.buckets.${name}`, clusteredIndex: true, timeseries: { ...spec } } });
  insertDocument(rt, viewsNs(db), { _id: `${db}.${name}`, viewOn: `system.buckets.${name}`, pipeline: [{ $_internalUnpackBucket: { timeField: spec.timeField, ...(spec.metaField ? { metaField: spec.metaField } : {}), bucketMaxSpanSeconds: spec.bucketMaxSpanSeconds } }] });
}

/** The time-series spec of a namespace that is a time-series view, or null. */
export function timeseriesOf(rt: MemberRuntime, ns: string): TimeseriesSpec | null {
  const view = viewDefinition(rt.member.store!, ns);
  if (!view || !view.viewOn.slice(ns.indexOf('.') + 1).startsWith('system.buckets.')) return null;
  return (rt.member.store!.collection(view.viewOn)?.options.timeseries as TimeseriesSpec | undefined) ?? null;
}

/** Inserts one measurement into its bucket (a new bucket is an insert, a fuller one an update). */
export function insertMeasurement(rt: MemberRuntime, ns: string, spec: TimeseriesSpec, doc: Document): void {
  const time = doc[spec.timeField];
  if (!(time instanceof Date)) throw new CommandError('BadValue', `'${spec.timeField}' must be present and contain a valid BSON UTC datetime value`);
  const dot = ns.indexOf('.');
  const bns = bucketsNs(ns.slice(0, dot), ns.slice(dot + 1));
  const coll = collectionForWrite(rt, bns);
  const meta = spec.metaField ? doc[spec.metaField] : undefined;
  const spanMs = spec.bucketMaxSpanSeconds * 1000;
  const start = new Date(Math.floor(time.getTime() / spanMs) * spanMs);
  let bucket: Document | null = null;
  for (const b of coll.scan()) {
    const min = (b.control as Document).min as Document;
    if ((min[spec.timeField] as Date).getTime() === start.getTime() && valuesEqual(b.meta, meta)) bucket = b;
  }
  const fields = Object.entries(doc).filter(([k]) => k !== spec.metaField);
  if (!bucket) {
    const data: Document = {};
    for (const [k, v] of fields) data[k] = { '0': v };
    insertDocument(rt, bns, { _id: new ObjectId(), control: { version: 1, min: { [spec.timeField]: start }, max: { [spec.timeField]: time } }, ...(spec.metaField ? { meta } : {}), data });
    return;
  }
  const after = cloneValue(bucket);
  const data = after.data as Document;
  const n = Object.keys((data[spec.timeField] as Document) ?? {}).length;
  for (const [k, v] of fields) (data[k] ??= {})[String(n)] = v;
  const max = (after.control as Document).max as Document;
  if (time.getTime() > (max[spec.timeField] as Date).getTime()) max[spec.timeField] = time;
  updateDocument(rt, bns, bucket, { ...after, _id: bucket._id }, false);
}

/** $_internalUnpackBucket: each bucket back into its measurements. */
export function unpackBuckets(buckets: Document[], arg: Document): Document[] {
  const timeField = String(arg.timeField);
  const out: Document[] = [];
  for (const b of buckets) {
    const data = b.data as Document;
    for (const i of Object.keys((data[timeField] as Document) ?? {})) {
      const m: Document = {};
      for (const [k, col] of Object.entries(data)) if ((col as Document)[i] !== undefined) m[k] = (col as Document)[i];
      if (arg.metaField) m[String(arg.metaField)] = b.meta;
      out.push(m);
    }
  }
  return out;
}

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import { DeskError } from '../../../shared/errors';
import { NON_USER_DATABASES } from '../../control/names';
import type { ReplicaSetConfig } from '../../../shared/topology';
import { ArchiveWriter } from '../archive';
import { archiveName, entryHead, publishSlice, type CaptureDeps } from '../capture';
import { MANIFEST_FORMAT, type Manifest } from '../manifest';
import { connectMember, lastPosition, pickCopySource, serverVersion, type ClientOptions } from '../../connectors/mongo-endpoints';
import { tsToText } from '../../connectors/oplog-ts';
import { checkAborted } from '../scheduler';
import { bucketsOf } from './names';

/**
 * The baseline, the mongodump --oplog way: note the source member's newest oplog position, copy every
 * collection (documents + index definitions) from that member, then append its oplog from the noted
 * position to the end of the copy. Replaying those entries over the copy (idempotently) makes it a
 * consistent image of the position the archive ends at. Copying from a healthy secondary spares the primary.
 *
 * Archive layout: a marker document {_drdesk: "collection", db, name, options, indexes, timeseries} before each
 * collection's documents (a time-series collection's documents are its buckets), then one {_drdesk: "view", db,
 * name, options} per view, then {_drdesk: "oplog"} before the entries. Markers have no _id; documents always do.
 */

export interface BaselineDeps extends CaptureDeps {
  chainId: string;
  clientOptions: ClientOptions;
}

interface CollectionPlan {
  db: string;
  name: string;
  options: Document;
  indexes: Document[];
  estimate: number;
  /** A time-series collection: its data is the buckets collection, copied and restored as buckets (as mongodump does). */
  timeseries: boolean;
}

/** A view: recreated on DR from its definition (viewOn + pipeline), never copied as system.views data. */
export interface ViewPlan {
  db: string;
  name: string;
  options: Document;
}


async function plan(src: MongoClient): Promise<{ collections: CollectionPlan[]; views: ViewPlan[] }> {
  const out: CollectionPlan[] = [];
  const views: ViewPlan[] = [];
  const { databases } = await src.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name: dbName } of databases) {
    if (NON_USER_DATABASES.has(dbName)) continue;
    const db = src.db(dbName);
    for (const info of await db.listCollections({}, { nameOnly: false }).toArray()) {
      const options: Document = ('options' in info ? info.options : {}) ?? {};
      if (info.type === 'view') {
        views.push({ db: dbName, name: info.name, options });
        continue;
      }
      const timeseries = info.type === 'timeseries';
      // system.views and system.buckets.* travel as the view / time-series definitions above, not as data.
      if ((!timeseries && info.type && info.type !== 'collection') || info.name.startsWith('system.')) continue;
      const coll = db.collection(info.name);
      const data = timeseries ? db.collection(bucketsOf(info.name)) : coll;
      const [indexes, estimate] = await Promise.all([coll.listIndexes().toArray(), data.estimatedDocumentCount()]);
      out.push({ db: dbName, name: info.name, options, indexes, estimate, timeseries });
    }
  }
  return { collections: out, views };
}

export async function captureBaseline(dcSet: MongoClient, rs: ReplicaSetConfig, deps: BaselineDeps): Promise<Manifest> {
  const { progress } = deps;
  const source = await pickCopySource(dcSet, rs);
  progress.phase('connect', `Copying from ${source.why}`, { slice: { chainId: deps.chainId, seq: 0 } });
  const src = await connectMember(rs, source.member, deps.clientOptions);
  await mkdir(deps.outbox, { recursive: true });
  const tmp = join(deps.outbox, `${archiveName(deps.chainId, 0)}.tmp`);
  let writer: ArchiveWriter | null = null;
  try {
    const start = await lastPosition(src);
    if (!start) throw new DeskError('BASELINE_NO_OPLOG', `${source.member.name} has an empty oplog: it is not a replica-set member with an oplog, so no consistent copy can be taken.`);
    const headCheckedAt = new Date();
    const dcVersion = await serverVersion(src);
    const { collections, views } = await plan(src);
    const totalDocs = collections.reduce((n, c) => n + c.estimate, 0);
    writer = new ArchiveWriter(tmp, deps.gzipLevel);
    let docs = 0;
    progress.phase('copy', `Copying ${collections.length} collections (~${totalDocs} documents) from ${source.member.name}`, {
      collections: { done: 0, total: collections.length },
      documents: { done: 0, total: totalDocs },
    });
    for (const [i, c] of collections.entries()) {
      await writer.write(serialize({ _drdesk: 'collection', db: c.db, name: c.name, options: c.options, indexes: c.indexes, timeseries: c.timeseries }));
      const cursor = src
        .db(c.db)
        .collection(c.timeseries ? bucketsOf(c.name) : c.name)
        .find({}, { raw: true, batchSize: 2_000 });
      try {
        for await (const raw of cursor as AsyncIterable<Uint8Array>) {
          await writer.write(raw);
          docs++;
          if (docs % 1000 === 0) {
            checkAborted(deps.signal);
            progress.update({
              collections: { done: i, total: collections.length },
              documents: { done: docs, total: Math.max(totalDocs, docs) },
              bytes: { done: writer.rawBytes, total: null },
              message: `Copying ${c.db}.${c.name}`,
            });
          }
        }
      } finally {
        await cursor.close().catch(() => undefined);
      }
      progress.update({ collections: { done: i + 1, total: collections.length }, documents: { done: docs, total: Math.max(totalDocs, docs) } });
    }
    // Views last: a view may be defined on any collection of its database, so they all exist first on DR.
    for (const v of views) await writer.write(serialize({ _drdesk: 'view', db: v.db, name: v.name, options: v.options }));
    checkAborted(deps.signal);
    progress.phase('oplog', `Adding DC's oplog from ${tsToText(start.ts)} so the copy is consistent`);
    await writer.write(serialize({ _drdesk: 'oplog' }));
    let end = start;
    let ops = 0;
    let first = true;
    const cursor = src.db('local').collection('oplog.rs').find({ ts: { $gte: start.ts } }, { raw: true, batchSize: 10_000 });
    try {
      let last: Uint8Array | null = null;
      for await (const raw of cursor as AsyncIterable<Uint8Array>) {
        if (first) {
          first = false;
          if (entryHead(raw).ts.compare(start.ts) !== 0)
            throw new DeskError(
              'BASELINE_OPLOG_ROLLED',
              `DC's oplog on ${source.member.name} rolled past ${tsToText(start.ts)} while the copy ran: the copy took longer than the oplog window. Enlarge the DC oplog (replSetResizeOplog) and start the baseline again.`,
            );
          continue;
        }
        await writer.write(raw);
        last = raw;
        ops++;
      }
      if (first) throw new DeskError('BASELINE_OPLOG_ROLLED', `DC's oplog on ${source.member.name} no longer holds ${tsToText(start.ts)}: enlarge the DC oplog and start the baseline again.`);
      if (last) end = entryHead(last);
    } finally {
      await cursor.close().catch(() => undefined);
    }
    const w = writer;
    const manifest = await publishSlice(deps.outbox, w, (s) => ({
      format: MANIFEST_FORMAT,
      kind: 'baseline',
      chainId: deps.chainId,
      seq: 0,
      fromTs: tsToText(start.ts),
      toTs: tsToText(end.ts),
      count: docs + ops,
      bytes: s.bytes,
      rawBytes: s.rawBytes,
      sha256: s.sha256,
      prevManifestSha256: null,
      dcVersion,
      replicaSet: rs.name,
      createdAt: new Date().toISOString(),
      headCheckedAt: headCheckedAt.toISOString(),
      lastWall: end.wall ? end.wall.toISOString() : null,
      archive: archiveName(deps.chainId, 0),
      collections: collections.length,
    }));
    writer = null;
    progress.update({ message: `Baseline captured: ${collections.length} collections, ${docs} documents, ${ops} oplog entries` });
    return manifest;
  } finally {
    if (writer) {
      writer.abort();
      await rm(tmp, { force: true });
    }
    await src.close(true).catch(() => undefined);
  }
}

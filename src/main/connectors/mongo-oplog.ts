import type { Document, MongoClient } from 'mongodb';
import type { OplogInfo } from '../monitor/observations';

/** An oplog that has used this much of its capped size has wrapped around: its span is its window. */
const FULL_RATIO = 0.95;

function entryTimeMs(doc: Document | null): number | null {
  if (!doc) return null;
  if (doc.wall instanceof Date) return doc.wall.getTime();
  const ts = doc.ts as { getHighBitsUnsigned?: () => number; high?: number } | undefined;
  if (ts && typeof ts.getHighBitsUnsigned === 'function') return ts.getHighBitsUnsigned() * 1000;
  if (ts && typeof ts.high === 'number') return ts.high * 1000;
  return null;
}

/**
 * The first and last entries of local.oplog.rs in natural (insertion) order — the way rs.printReplicationInfo
 * reads them, without sorting the whole oplog — and its capped size from collStats when the server gives it.
 */
export async function readOplogInfo(client: MongoClient): Promise<OplogInfo | null> {
  const local = client.db('local');
  const oplog = local.collection('oplog.rs');
  const projection = { ts: 1, wall: 1 };
  const [first, last, stats] = await Promise.all([
    oplog.find({}, { projection, sort: { $natural: 1 }, limit: 1 }).next(),
    oplog.find({}, { projection, sort: { $natural: -1 }, limit: 1 }).next(),
    local.command({ collStats: 'oplog.rs' }).catch(() => null),
  ]);
  const firstMs = entryTimeMs(first);
  const lastMs = entryTimeMs(last);
  if (firstMs === null || lastMs === null) return null;
  const spanHours = Math.max(0, lastMs - firstMs) / 3_600_000;
  const usedBytes = stats && typeof stats.size === 'number' ? stats.size : null;
  const maxBytes = stats && typeof stats.maxSize === 'number' && stats.maxSize > 0 ? stats.maxSize : null;
  const full = usedBytes !== null && maxBytes !== null ? usedBytes >= maxBytes * FULL_RATIO : null;
  // Until the oplog wraps, its span only says how long the set has been up; what matters is how long the
  // oplog will last at the rate it is filling, which is the span scaled by capacity over use.
  const windowHours = full === false && usedBytes! > 0 ? spanHours * (maxBytes! / usedBytes!) : spanHours;
  return { firstMs, lastMs, spanHours, usedBytes, maxBytes, full, windowHours };
}

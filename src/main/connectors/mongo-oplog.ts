import type { Document, MongoClient } from 'mongodb';
import type { OplogInfo } from './probe-types';

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
  const usedBytes = stats && typeof stats.size === 'number' ? stats.size : null;
  const maxBytes = stats && typeof stats.maxSize === 'number' && stats.maxSize > 0 ? stats.maxSize : null;
  return oplogWindow({ firstMs, lastMs, usedBytes, maxBytes, nowMs: Date.now() });
}

/**
 * The oplog window from its first and last entries and its capped size. Once the oplog has wrapped, the
 * window is the time between its first and last entries. Until then that span only says how long the set
 * has been up; what matters is how long the oplog will hold at the rate it has been filling:
 * capacity / (bytes used / time since the first entry).
 */
export function oplogWindow(o: { firstMs: number; lastMs: number; usedBytes: number | null; maxBytes: number | null; nowMs: number }): OplogInfo {
  const spanHours = Math.max(0, o.lastMs - o.firstMs) / 3_600_000;
  const full = o.usedBytes !== null && o.maxBytes !== null ? o.usedBytes >= o.maxBytes * FULL_RATIO : null;
  const filling = Math.max(o.nowMs, o.lastMs) - o.firstMs;
  const windowHours = full === false && o.usedBytes! > 0 ? (filling * (o.maxBytes! / o.usedBytes!)) / 3_600_000 : spanHours;
  return { firstMs: o.firstMs, lastMs: o.lastMs, spanHours, usedBytes: o.usedBytes, maxBytes: o.maxBytes, full, windowHours };
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document, MongoClient, Timestamp } from 'mongodb';
import { ArchiveWriter } from './archive';
import { archiveName, publishSlice } from './capture';
import { MANIFEST_FORMAT, type Manifest } from './manifest';
import { textToTs, tsToText } from '../connectors/oplog-ts';
import { CONTROL_DATABASE } from '../control/names';

/**
 * A chain that starts at an oplog position instead of a baseline. When a route is reversed (failback: DR →
 * DC after DR was activated) both sites held the same data at a known pair of positions: the source's
 * position right after the last slice the other way was applied on it, and the position in the target's
 * own oplog up to which that slice carried it. If the target has changed nothing since its position, the
 * source's changes since its position are all the target needs: seq 0 is an "anchor" — an empty archive
 * with a manifest naming both positions — and increments follow it as after a baseline. Anything else
 * (writes on the target the source never received, commands, a position no longer in an oplog) keeps
 * the baseline path, and says why.
 */
export interface HandoverPoint {
  /** The new route's source position (in the source's oplog) at which both sides held the same data. */
  sourceTs: string;
  /** The new route's target position (in the target's oplog) at that moment. */
  targetTs: string;
  /** Where the point comes from, for the step output ("DR activation at …"). */
  label: string;
}

export type TargetChanges =
  | { kind: 'none' }
  | { kind: 'lost'; message: string }
  | { kind: 'changed'; count: number; first: string; firstWall: string | null; commands: number; namespaces: string[] };

const LIMIT = 10_000;

/** Oplog entries that change no user data (no-ops, the server's own local/config/system state). */
function dataChange(e: Document): boolean {
  if (e.op === 'n') return false;
  const ns = String(e.ns ?? '');
  const db = ns.slice(0, ns.indexOf('.'));
  // DR Desk's own control state (lease, chain, ledger) is site-local and written by every cycle: not data.
  return !(db === 'local' || db === 'config' || db === CONTROL_DATABASE || (db === 'admin' && ns.startsWith('admin.system.')));
}

/**
 * What `client`'s oplog holds after `sinceTs`: nothing that changes data, changes (counted, with the first
 * one's position and time), or no `sinceTs` at all (rolled over, or another history: the point is lost).
 */
export async function changesSince(client: MongoClient, sinceTs: string, side: string): Promise<TargetChanges> {
  const cursor = client
    .db('local')
    .collection('oplog.rs')
    .find({ ts: { $gte: textToTs(sinceTs) } }, { batchSize: 2_000, projection: { ts: 1, op: 1, ns: 1, wall: 1 }, limit: LIMIT });
  let seen = false;
  let count = 0;
  let commands = 0;
  let first: Document | null = null;
  const namespaces = new Set<string>();
  try {
    for await (const e of cursor) {
      if (!seen) {
        seen = true;
        if (tsToText(e.ts as Timestamp) !== sinceTs) return { kind: 'lost', message: `${side}'s oplog no longer holds position ${sinceTs} (its entries now start at ${tsToText(e.ts as Timestamp)})` };
        continue;
      }
      if (!dataChange(e)) continue;
      first ??= e;
      count++;
      if (e.op === 'c') commands++;
      if (namespaces.size < 5) namespaces.add(String(e.ns));
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  if (!seen) return { kind: 'lost', message: `${side}'s oplog holds nothing at or after position ${sinceTs}` };
  if (!first) return { kind: 'none' };
  return { kind: 'changed', count, first: tsToText(first.ts as Timestamp), firstWall: first.wall instanceof Date ? first.wall.toISOString() : null, commands, namespaces: [...namespaces] };
}

/** One sentence on why the target's changes rule out an anchor (the baseline path's reason). */
export function changesReason(c: Exclude<TargetChanges, { kind: 'none' }>, target: string, source: string, point: HandoverPoint): string {
  if (c.kind === 'lost') return `${c.message}, so it cannot be shown that ${target} still holds the data of ${point.label}`;
  const more = c.count >= LIMIT ? `at least ${c.count}` : String(c.count);
  return (
    `${target} changed ${more} time(s) after ${point.label} (first at ${c.first}${c.firstWall ? `, ${c.firstWall}` : ''}, in ${c.namespaces.join(', ')}${c.commands ? `; ${c.commands} command(s)` : ''}): ` +
    `${source} never received these writes, so ${source}'s changes alone would leave ${target} diverged`
  );
}

/** Writes the anchor slice (seq 0 of a new chain): an empty archive and a manifest naming both positions. */
export async function captureAnchor(
  outbox: string,
  o: { chainId: string; point: HandoverPoint; sourceWall: Date | null; replicaSet: string; version: string; reason: string },
): Promise<Manifest> {
  await mkdir(outbox, { recursive: true });
  const writer = new ArchiveWriter(join(outbox, `${archiveName(o.chainId, 0)}.tmp`));
  const now = new Date().toISOString();
  return publishSlice(outbox, writer, (s) => ({
    format: MANIFEST_FORMAT,
    kind: 'anchor',
    chainId: o.chainId,
    seq: 0,
    fromTs: o.point.sourceTs,
    toTs: o.point.sourceTs,
    count: 0,
    bytes: s.bytes,
    rawBytes: s.rawBytes,
    sha256: s.sha256,
    prevManifestSha256: null,
    dcVersion: o.version,
    replicaSet: o.replicaSet,
    createdAt: now,
    // The anchor covers the source only up to its position: RPO must not count anything later as delivered.
    headCheckedAt: (o.sourceWall ?? new Date(0)).toISOString(),
    lastWall: o.sourceWall ? o.sourceWall.toISOString() : null,
    archive: archiveName(o.chainId, 0),
    anchor: { targetTs: o.point.targetTs, reason: o.reason },
  }));
}

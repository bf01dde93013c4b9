import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalize } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import { compareTs } from '../connectors/oplog-ts';

/**
 * The manifest travels next to each archive and links it to the previous one: its sha256 (over canonical
 * JSON) is written into the next manifest, so a missing, replaced or reordered slice breaks the chain.
 */
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex');
const ts = z.string().regex(/^\d{1,10}:\d{1,10}$/, 'an oplog position "seconds:increment"');
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date');

export const MANIFEST_FORMAT = 'drdesk-slice/1';

/**
 * One part of a baseline in parts: a file of one collection's (or one _id range's) raw documents, named
 * `<head archive>.pNNNN`. `index` is its place in the baseline (1-based), listed again in its collection's
 * marker in the head archive, so a part swapped between baselines or collections is refused.
 */
export const baselinePartSchema = z.strictObject({
  archive: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  db: z.string().min(1),
  name: z.string().min(1),
  index: z.number().int().min(1),
  count: z.number().int().min(0),
  bytes: z.number().int().min(0),
  rawBytes: z.number().int().min(0),
  sha256: hex64,
});

export type BaselinePart = z.infer<typeof baselinePartSchema>;

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  /** baseline: a consistent copy; increment: oplog entries; anchor: no entries, the chain starts at toTs (see anchor.ts). */
  kind: z.enum(['baseline', 'increment', 'anchor']),
  chainId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  seq: z.number().int().min(0),
  /** Exclusive start: the previous slice's toTs (increments) or the position the baseline copy began at. */
  fromTs: ts,
  /** Inclusive end: the last oplog entry the slice holds (or reaches). */
  toTs: ts,
  count: z.number().int().min(0),
  bytes: z.number().int().min(0),
  rawBytes: z.number().int().min(0),
  sha256: hex64,
  prevManifestSha256: hex64.nullable(),
  dcVersion: z.string().min(1),
  replicaSet: z.string().min(1),
  createdAt: iso,
  /** When the capture began reading DC's oplog: every write DC acknowledged before it is in this slice or an earlier one. */
  headCheckedAt: iso,
  lastWall: iso.nullable(),
  archive: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  collections: z.number().int().min(0).optional(),
  /** Baselines in parts only: the head archive (`archive`) holds markers, views and oplog; the documents are here. */
  parts: z.array(baselinePartSchema).min(1).optional(),
  /** Anchors only: the target's own oplog position at which its data equals the source's at toTs, and why that is known. */
  anchor: z.strictObject({ targetTs: ts, reason: z.string().min(1) }).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/**
 * The manifest's one text, so its hash is stable: canonical JSON (keys sorted at every level), optional fields
 * left out when undefined — the same text the earlier hand-written encoder produced, so existing chains verify.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value, { undefinedProperties: 'omit' });
}

export function manifestSha256(m: Manifest): string {
  return createHash('sha256').update(canonicalJson(m)).digest('hex');
}

export function encodeManifest(m: Manifest): Buffer {
  return Buffer.from(`${canonicalJson(m)}\n`, 'utf8');
}

export function parseManifest(text: string | Buffer, where: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text.toString());
  } catch {
    throw new DeskError('MANIFEST_INVALID', `The manifest ${where} is not JSON: it was damaged in transit; it will be shipped again.`);
  }
  const r = manifestSchema.safeParse(raw);
  if (!r.success)
    throw new DeskError('MANIFEST_INVALID', `The manifest ${where} is invalid (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}): it will be shipped again.`);
  return r.data;
}

export function sliceBaseName(chainId: string, seq: number): string {
  return `${chainId}-${String(seq).padStart(6, '0')}`;
}

export interface LinkProblem {
  code: 'LINK_BROKEN';
  message: string;
}

/** Why `next` does not follow `prev` in a chain, or null when it does. */
export function linkProblem(prev: Manifest, next: Manifest): LinkProblem | null {
  const name = `slice ${next.chainId}#${next.seq}`;
  const bad = (why: string): LinkProblem => ({ code: 'LINK_BROKEN', message: `${name} does not follow #${prev.seq}: ${why}.` });
  if (next.kind !== 'increment') return bad('only increments follow a slice');
  if (next.chainId !== prev.chainId) return bad(`it belongs to chain ${next.chainId}, not ${prev.chainId}`);
  if (next.seq !== prev.seq + 1) return bad(`sequence ${next.seq} after ${prev.seq} (slice ${prev.seq + 1} is missing)`);
  if (next.prevManifestSha256 !== manifestSha256(prev)) return bad("it names a different previous manifest (the previous slice was replaced or the manifest altered)");
  if (compareTs(next.fromTs, prev.toTs) !== 0) return bad(`it starts at ${next.fromTs} but the previous slice ends at ${prev.toTs}`);
  if (compareTs(next.toTs, next.fromTs) < 0) return bad(`it ends (${next.toTs}) before it starts (${next.fromTs})`);
  return null;
}

/** The first problem of a chain start (a baseline, or an anchor at one position, at seq 0 without a predecessor), or null. */
export function rootProblem(m: Manifest): LinkProblem | null {
  const root = m.seq === 0 && m.prevManifestSha256 === null;
  if (root && m.kind === 'baseline') return null;
  if (root && m.kind === 'anchor' && m.anchor && m.count === 0 && compareTs(m.fromTs, m.toTs) === 0) return null;
  return { code: 'LINK_BROKEN', message: `slice ${m.chainId}#${m.seq} is not a baseline or an anchor: a chain starts with one at sequence 0.` };
}

/** Checks a whole chain, sorted by seq; returns the problems with the seq they were found at. */
export function chainProblems(manifests: Manifest[], adoptedHead = false): Array<{ seq: number; problem: LinkProblem }> {
  const out: Array<{ seq: number; problem: LinkProblem }> = [];
  const sorted = [...manifests].sort((a, b) => a.seq - b.seq);
  sorted.forEach((m, i) => {
    // An adopted head (continued from DR's chain document) has its predecessors elsewhere, not here.
    const p = i === 0 ? (adoptedHead ? null : rootProblem(m)) : linkProblem(sorted[i - 1], m);
    if (p) out.push({ seq: m.seq, problem: p });
  });
  return out;
}

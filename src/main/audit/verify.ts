import { verify as edVerify } from 'node:crypto';
import { z } from 'zod';
import type { AuditProblem, AuditTamperKind, AuditVerifyReport } from '../../shared/api/approvals';
import { openEnvelope, signedBy, type Envelope } from '../signing/envelope';
import { fingerprintOf, isFingerprint, isPublicKey, pae, publicKeyObject } from '../signing/keys';
import { detailsObject, ENTRY_PAYLOAD_TYPE, entryHash, entrySigned, GENESIS_PREV, type AuditEntryRow } from './audit-entry';

/**
 * Verifies an audit log: recomputes every entry's hash and its link to the one before, checks the signed
 * checkpoints (and those approvers co-signed), and the signatures. In "chain" mode it verifies the last
 * signature of each run of entries by one actor — that signature covers a hash pinning every entry of the
 * run, so an edit anywhere in the run breaks it — and then searches the broken run entry by entry. "full"
 * mode verifies every signature. The first problem names its entry (seq) and kind.
 */
export const checkpointDocSchema = z.strictObject({
  type: z.literal('drdesk.audit-checkpoint'),
  logId: z.string(),
  count: z.number().int().min(0),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.iso.datetime(),
  signer: z.string().refine(isFingerprint),
  signerKey: z.string().refine(isPublicKey),
});

export interface CoSignedCheckpoint {
  count: number;
  head: string;
  /** Who co-signed it, for the message: e.g. 'approver "Bo" (decision sha256:…)'. */
  by: string;
}

export interface VerifyAuditInput {
  logId: string;
  rows: AuditEntryRow[];
  checkpoints: { count: number; head: string; envelope: Envelope }[];
  coSigned: CoSignedCheckpoint[];
  /** Heads known from outside the file (the keychain high-water mark): checked like co-signed heads, counted apart. */
  anchors?: CoSignedCheckpoint[];
  /** Public keys allowed to sign entries and checkpoints, by fingerprint (local identities and the roster). */
  trustedKeys: Map<string, string>;
  full?: boolean;
}

const MAX_PROBLEMS = 100;
// When several findings land on one entry, the most specific explanation wins.
const KIND_ORDER: AuditTamperKind[] = ['deleted', 'reordered', 'inserted', 'edited', 'truncated', 'forged', 'malformed'];

function entrySigOk(r: AuditEntryRow): boolean {
  const sig = Buffer.from(r.sig, 'base64');
  if (sig.length !== 64) return false;
  try {
    return edVerify(null, pae(ENTRY_PAYLOAD_TYPE, entrySigned(r.hash)), publicKeyObject(r.actorKey), sig);
  } catch {
    return false;
  }
}

export function verifyAuditLog(input: VerifyAuditInput): AuditVerifyReport {
  const started = performance.now();
  const { rows } = input;
  const found = new Map<number, AuditProblem>();
  const add = (seq: number, kind: AuditTamperKind, code: string, message: string): void => {
    const had = found.get(seq);
    if (had ? KIND_ORDER.indexOf(kind) < KIND_ORDER.indexOf(had.kind) : found.size < MAX_PROBLEMS) found.set(seq, { seq, kind, code, message });
  };
  let signaturesVerified = 0;
  const checkSig = (r: AuditEntryRow) => {
    signaturesVerified++;
    return entrySigOk(r);
  };
  let byHash: Map<string, number> | null = null;
  const positionOf = (hash: string) => {
    if (!byHash) {
      // The first entry carrying a hash wins: a forged copy of a hash must not displace the genuine entry.
      byHash = new Map();
      for (let i = 0; i < rows.length; i++) if (!byHash.has(rows[i].hash)) byHash.set(rows[i].hash, i);
    }
    return byHash.get(hash);
  };

  const keyProblem = new Map<string, string | null>();
  const signerProblem = (r: AuditEntryRow): string | null => {
    const k = `${r.actor} ${r.actorKey}`;
    if (!keyProblem.has(k)) {
      const own = isPublicKey(r.actorKey) && fingerprintOf(Buffer.from(r.actorKey, 'base64')) === r.actor;
      const trusted = input.trustedKeys.get(r.actor) === r.actorKey;
      keyProblem.set(k, !own ? 'its actor key does not match its actor fingerprint' : !trusted ? `it is signed by ${r.actor}, a key neither this workstation nor the roster knows` : null);
    }
    return keyProblem.get(k) ?? null;
  };

  // A run: consecutive entries by one actor with an unbroken chain. Its last signature covers all of it.
  let runStart = 0;
  const sigProblem = (r: AuditEntryRow) =>
    add(r.seq, 'edited', 'ENTRY_SIGNATURE_INVALID', `Entry ${r.seq} does not match its signature: it was changed, and the chain recomputed, after it was written.`);
  const closeRun = (end: number) => {
    if (end >= runStart) {
      if (input.full) {
        for (let i = runStart; i <= end; i++) if (!checkSig(rows[i])) sigProblem(rows[i]);
      } else if (!checkSig(rows[end])) {
        sigProblem(rows.slice(runStart, end + 1).find((r) => !checkSig(r)) ?? rows[end]);
      }
    }
    runStart = end + 1;
  };

  // Entries renumbered after a detected deletion or insertion: their seq is off by `shift`, nothing else.
  let shift = 0;
  function classify(i: number, selfOk: boolean): void {
    const r = rows[i];
    const p = positionOf(r.prev);
    const movedTo = (seq: number) => entryHash({ ...r, seq }) === r.hash;
    if (selfOk) {
      if (p !== undefined && p < i - 1) return add(rows[p + 1].seq, 'inserted', 'ENTRY_INSERTED', `Entry ${rows[p + 1].seq} was inserted: the entry after it chains to entry ${rows[p].seq}.`);
      if (p !== undefined && p >= i) return add(r.seq, 'reordered', 'ENTRY_REORDERED', `Entry ${r.seq} is out of place: it chains to entry ${rows[p].seq}, which comes later (entries were reordered).`);
      if (i > 0 && rows[i - 1].seq + 1 === r.seq) add(r.seq, 'edited', 'ENTRY_LINK_BROKEN', `Entry ${r.seq} does not chain to entry ${rows[i - 1].seq}: one of them was edited.`);
      return;
    }
    const candidates = [r.seq + shift, ...(p !== undefined ? [rows[p].seq + 1] : []), r.seq + 1, r.seq - 1, r.seq + 2, r.seq - 2, r.seq + 3, r.seq - 3];
    const orig = candidates.find((s) => s !== r.seq && movedTo(s));
    if (p !== undefined && p >= i) return add(r.seq, 'reordered', 'ENTRY_REORDERED', `Entry ${r.seq} is out of place: it belongs after entry ${rows[p].seq}'s content (entries were reordered).`);
    if (orig === undefined) return add(r.seq, 'edited', 'ENTRY_EDITED', `Entry ${r.seq} was edited: its content no longer matches its hash.`);
    if (p === i - 1 && orig - r.seq === shift) return;
    shift = orig - r.seq;
    if (p === undefined && orig > r.seq) return add(r.seq, 'deleted', 'ENTRY_DELETED_RENUMBERED', `Entry ${r.seq} was deleted and the entries after it renumbered (this one was ${orig}).`);
    if (p !== undefined && p < i - 1) return add(rows[p + 1].seq, 'inserted', 'ENTRY_INSERTED', `Entry ${rows[p + 1].seq} was inserted, and the entries after it renumbered.`);
    add(r.seq, 'edited', 'ENTRY_EDITED', `Entry ${r.seq}'s number was changed (it was written as ${orig}).`);
  }

  let prevHash = GENESIS_PREV;
  let expectedSeq = 1;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.seq !== expectedSeq)
      add(expectedSeq, 'deleted', 'ENTRY_MISSING', `Entr${r.seq - expectedSeq > 1 ? `ies ${expectedSeq} to ${r.seq - 1} are` : `y ${expectedSeq} is`} missing: deleted from the log.`);
    const details = detailsObject(r.details);
    if (!details) add(r.seq, 'malformed', 'ENTRY_MALFORMED', `Entry ${r.seq}'s details are not a JSON object: the entry was edited.`);
    const sp = signerProblem(r);
    if (sp) add(r.seq, 'forged', 'ENTRY_SIGNER_UNKNOWN', `Entry ${r.seq} was not written by a known identity: ${sp}.`);
    const selfOk = details !== null && entryHash(r) === r.hash;
    const broken = !selfOk || r.prev !== prevHash;
    if (broken) classify(i, selfOk);
    if (i > 0 && (broken || r.actor !== rows[i - 1].actor)) closeRun(i - 1);
    prevHash = r.hash;
    expectedSeq = r.seq + 1;
  }
  closeRun(rows.length - 1);

  // Checkpoints signed here, then those approvers co-signed. A mismatch already explained by an entry
  // problem in its range adds nothing; otherwise the range was rewritten by someone holding a key.
  const bySeq = new Map<number, AuditEntryRow>(rows.map((r) => [r.seq, r]));
  const lastSeq = rows.at(-1)?.seq ?? 0;
  const entryProblems = [...found.keys()];
  const heads: { count: number; head: string; who: string }[] = [];
  for (const c of input.checkpoints) {
    let problem: string | null = null;
    try {
      const doc = openEnvelope(c.envelope, 'checkpoint', checkpointDocSchema, 'audit checkpoint').value;
      signaturesVerified++;
      if (doc.logId !== input.logId || doc.count !== c.count || doc.head !== c.head) problem = 'its record does not match its signed content';
      else if (fingerprintOf(Buffer.from(doc.signerKey, 'base64')) !== doc.signer || !signedBy(c.envelope, doc.signerKey)) problem = 'its signature does not verify';
      else if (input.trustedKeys.get(doc.signer) !== doc.signerKey) problem = `it is signed by ${doc.signer}, a key neither this workstation nor the roster knows`;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem) add(Math.max(1, Math.min(c.count, lastSeq)), 'forged', 'CHECKPOINT_INVALID', `The checkpoint at entry ${c.count} is not genuine: ${problem}.`);
    else heads.push({ count: c.count, head: c.head, who: `The checkpoint signed at entry ${c.count}` });
  }
  for (const c of input.coSigned) heads.push({ count: c.count, head: c.head, who: `The checkpoint at entry ${c.count} co-signed by ${c.by}` });
  for (const c of input.anchors ?? []) heads.push({ count: c.count, head: c.head, who: `The head at entry ${c.count} recorded in ${c.by}` });
  const matches = heads.filter((h) => h.count > 0 && h.count <= lastSeq && bySeq.get(h.count)?.hash === h.head).map((h) => h.count);
  for (const h of heads) {
    if (h.count === 0) continue;
    if (h.count > lastSeq) {
      add(lastSeq + 1, 'truncated', 'LOG_TRUNCATED', `${h.who} covers ${h.count} entries, but the log ends at entry ${lastSeq}: entries ${lastSeq + 1} to ${h.count} were deleted.`);
    } else if (bySeq.get(h.count)?.hash !== h.head) {
      const from = Math.max(0, ...matches.filter((m) => m < h.count)) + 1;
      if (!entryProblems.some((s) => s >= from && s <= h.count))
        add(from, 'edited', 'CHECKPOINT_MISMATCH', `${h.who} does not match the log: an entry from ${from} to ${h.count} was rewritten, and re-signed, after the checkpoint.`);
    }
  }

  const problems = [...found.values()];
  problems.sort((a, b) => a.seq - b.seq || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  return {
    ok: problems.length === 0,
    logId: input.logId,
    entries: rows.length,
    checkpoints: input.checkpoints.length,
    coSignedCheckpoints: input.coSigned.length,
    signaturesVerified,
    mode: input.full ? 'full' : 'chain',
    head: rows.at(-1)?.hash ?? GENESIS_PREV,
    firstProblem: problems[0] ?? null,
    problems,
    durationMs: Math.round(performance.now() - started),
  };
}

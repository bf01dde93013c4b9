import { DeskError } from '../../shared/errors';
import { openEnvelope, signedBy, type Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import { fingerprintOf } from '../signing/keys';
import type { AuditLog } from './audit-log';
import { checkpointDocSchema } from './verify';

/**
 * The audit log anchored off the operator's machine. The operator exports a signed checkpoint (entry count
 * and head hash) after an execution, or whenever asked; each approver's machine checks it against every
 * head of that log it attested before — a smaller count, or another hash at a count it saw, means the
 * operator's log lost its tail or was restored from an older copy — and co-signs it (one more signature on
 * the same envelope). The co-signed checkpoint goes back to the operator, whose `audit verify` then checks
 * the log against it; the approver keeps its copy, so a database restored on the operator's machine cannot
 * take the evidence with it.
 */
export interface OpenedCheckpoint {
  doc: { logId: string; count: number; head: string; time: string; signer: string; signerKey: string };
  envelope: Envelope;
}

export function openCheckpoint(envelope: Envelope): OpenedCheckpoint {
  const doc = openEnvelope(envelope, 'checkpoint', checkpointDocSchema, 'audit checkpoint').value;
  if (fingerprintOf(Buffer.from(doc.signerKey, 'base64')) !== doc.signer || !signedBy(envelope, doc.signerKey))
    throw new DeskError('CHECKPOINT_SIGNATURE_INVALID', `The audit checkpoint of log ${doc.logId} at entry ${doc.count} is not signed by the key it names: it was changed after signing. Ask for a fresh export.`);
  return { doc, envelope };
}

/** One more signature on the checkpoint: `signer` attests that head of that log. */
export function cosignCheckpoint(c: OpenedCheckpoint, signer: Signer): Envelope {
  if (signedBy(c.envelope, signer.publicKey)) return c.envelope;
  const bytes = Buffer.from(c.envelope.payload, 'base64');
  return { ...c.envelope, signatures: [...c.envelope.signatures, { keyid: signer.fingerprint, sig: signer.sign(c.envelope.payloadType, bytes) }] };
}

/**
 * On the approver's machine: refuses a checkpoint that goes back on a head this machine attested before
 * (CHECKPOINT_REGRESSED: fewer entries; CHECKPOINT_FORKED: the same count with another hash). `known` are
 * those heads: checkpoints it co-signed and the checkpoints its decisions carried.
 */
export function checkAgainstWitnessed(c: OpenedCheckpoint, known: { count: number; head: string; what: string }[], operatorName: string): void {
  const { doc } = c;
  for (const k of known) {
    if (k.count === doc.count && k.head !== doc.head)
      throw new DeskError(
        'CHECKPOINT_FORKED',
        `${operatorName}'s audit log ${doc.logId} has another entry ${doc.count} (head ${doc.head.slice(0, 12)}…) than the one this machine attested (${k.head.slice(0, 12)}…, ${k.what}): the log was rewritten. Do not approve their requests until it is explained.`,
        { logId: doc.logId, count: doc.count, head: doc.head, knownHead: k.head },
      );
  }
  const highest = known.reduce<{ count: number; head: string; what: string } | null>((m, k) => (m && m.count >= k.count ? m : k), null);
  if (highest && doc.count < highest.count)
    throw new DeskError(
      'CHECKPOINT_REGRESSED',
      `${operatorName}'s audit log ${doc.logId} now ends at entry ${doc.count}, but this machine attested entry ${highest.count} (head ${highest.head.slice(0, 12)}…, ${highest.what}): entries were deleted or an older copy of their database was restored. Do not approve their requests until it is explained.`,
      { logId: doc.logId, count: doc.count, knownCount: highest.count, knownHead: highest.head },
    );
}

/** On the operator's machine: who (roster people other than the operator's person) co-signed this checkpoint. */
/** What the witnesses are counted against: the roster's people and which person each key belongs to. */
export interface WitnessRoster {
  personId(fingerprint: string): string | null | undefined;
  doc: { people: ReadonlyArray<{ fingerprint: string; name: string; publicKey: string }> };
}

export function witnessesOf(c: OpenedCheckpoint, roster: WitnessRoster | null): { fingerprint: string; name: string }[] {
  if (!roster) return [];
  const mine = roster.personId(c.doc.signer) ?? c.doc.signer;
  return roster.doc.people.filter((p) => (roster.personId(p.fingerprint) ?? p.fingerprint) !== mine && signedBy(c.envelope, p.publicKey)).map((p) => ({ fingerprint: p.fingerprint, name: p.name }));
}

/** Where the log disagrees with a co-signed head: null when it holds that entry with that hash. */
export function headProblem(log: AuditLog, h: { count: number; head: string; by: string }): DeskError | null {
  const { count } = log.head();
  if (count < h.count)
    return new DeskError('AUDIT_ROLLED_BACK', `The audit log has ${count} entries, but ${h.by} co-signed entry ${h.count} (head ${h.head.slice(0, 12)}…): entries were deleted or an older copy of the database was restored. Do not run anything from this database.`, { localCount: count, cosignedCount: h.count });
  const at = log.db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(h.count) as { hash: string } | undefined;
  if (h.count > 0 && at?.hash !== h.head)
    return new DeskError('AUDIT_REWRITTEN', `Audit entry ${h.count} is not the one ${h.by} co-signed (${h.head.slice(0, 12)}…): the log was rewritten. Do not run anything from this database.`, { cosignedCount: h.count });
  return null;
}

import { DeskError } from '../../shared/errors';
import type { ExportedItem } from '../../shared/api/approvals';
import type { AuditLog } from '../audit/audit-log';
import { checkAgainstWitnessed, cosignCheckpoint, headProblem, openCheckpoint, witnessesOf } from '../audit/witness';
import type { Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import type { AuditTrail } from './audit-trail';
import type { IdentityStore } from './identity';
import type { Roster } from './roster';
import type { RosterBook } from './roster-book';
import type { ApprovalsStore } from './store';
import { exportItem, readTransport } from './transport';
import { writeDrop } from './drop-folder';
import { openDecision } from './verify';

/**
 * The audit log anchored off this machine (see audit/witness.ts): the operator exports signed heads of its
 * log, approvers' machines co-sign them after checking them against every head they attested, and the heads
 * that come back are checks the log must pass from then on.
 */
export class AuditHeads {
  constructor(private readonly d: { identity: IdentityStore; store: ApprovalsStore; roster: RosterBook; auditLog: AuditLog; audit: AuditTrail; clock: { now(): Date } }) {}

  private async rosterOrNull(): Promise<Roster | null> {
    try {
      return await this.d.roster.current();
    } catch {
      return null;
    }
  }

  /**
   * The operator's signed checkpoint of the log as it is now, to send to approvers (after an execution, with
   * its request id) so their machines co-sign the head they received.
   */
  async exportCheckpoint(requestId: string | null = null, dropDir?: string): Promise<ExportedItem> {
    const signer = await this.d.identity.signer();
    const ref = this.d.auditLog.checkpoint(signer);
    const envelope = this.d.auditLog.checkpointEnvelope(ref.count);
    if (!envelope) throw new DeskError('CHECKPOINT_MISSING', `The checkpoint at entry ${ref.count} could not be read back: run drdesk audit verify.`);
    const item = exportItem({ format: 'drdesk-bundle/1', kind: 'checkpoint', checkpoint: envelope, requestId }, `drdesk-checkpoint-${this.d.auditLog.logId}-${ref.count}.json`);
    if (dropDir) writeDrop(dropDir, item);
    return item;
  }

  /** Heads of `logId` this machine attested: checkpoints it co-signed, and those its own decisions carried. */
  private attested(logId: string, me: string): { count: number; head: string; what: string }[] {
    const out = this.d.auditLog.witnessed(logId).filter((w) => w.witness === me).map((w) => ({ count: w.count, head: w.head, what: `co-signed here at ${w.receivedAt}` }));
    for (const row of this.d.store.allDecisions()) {
      try {
        const d = openDecision(JSON.parse(row.envelope) as Envelope).value;
        if (d.approver === me && d.checkpoint.logId === logId) out.push({ count: d.checkpoint.count, head: d.checkpoint.head, what: `carried by this machine's decision on ${d.requestId}` });
      } catch {
        // A decision that no longer verifies attests nothing.
      }
    }
    return out;
  }

  /**
   * On an approver's machine: checks an operator's checkpoint against every head of that log this machine
   * attested before (CHECKPOINT_REGRESSED, CHECKPOINT_FORKED), keeps it, and co-signs it; the export goes
   * back to the operator. The operator must be in the roster.
   */
  async witnessCheckpoint(text: string): Promise<{ logId: string; count: number; operator: string; export: ExportedItem }> {
    const bundle = readTransport(text, 'checkpoint');
    const signer = await this.d.identity.signer();
    const roster = await this.d.roster.require();
    const c = openCheckpoint(bundle.checkpoint);
    const operator = roster.person(c.doc.signer);
    const subject = `audit ${c.doc.logId}`;
    if (c.doc.logId === this.d.auditLog.logId) throw new DeskError('CHECKPOINT_OWN_LOG', 'This is a checkpoint of this machine\'s own audit log: send it to an approver to co-sign, and import what comes back here (drdesk audit import-cosigned).');
    if (!operator || operator.publicKey !== c.doc.signerKey)
      throw this.refuseAudit(signer, subject, 'CHECKPOINT_SIGNER_UNKNOWN', `The audit checkpoint is signed by ${c.doc.signer}, which is not in the roster (version ${roster.doc.version}): only an enrolled colleague's log is co-signed.`);
    try {
      checkAgainstWitnessed(c, this.attested(c.doc.logId, signer.fingerprint), `"${operator.name}"`);
    } catch (err) {
      if (err instanceof DeskError) throw this.refuseAudit(signer, subject, err.code, err.message);
      throw err;
    }
    const envelope = cosignCheckpoint(c, signer);
    this.d.auditLog.addWitnessed({ logId: c.doc.logId, count: c.doc.count, head: c.doc.head, witness: signer.fingerprint, envelope: JSON.stringify(envelope), receivedAt: this.d.clock.now().toISOString() });
    this.d.audit.append(signer, { action: 'audit.witnessed', subject, details: { logId: c.doc.logId, count: c.doc.count, head: c.doc.head, operator: c.doc.signer, requestId: bundle.requestId } });
    const hex = Buffer.from(signer.fingerprint.replace(/^SHA256:/, ''), 'base64').toString('hex').slice(0, 12);
    const item = exportItem({ format: 'drdesk-bundle/1', kind: 'checkpoint', checkpoint: envelope, requestId: bundle.requestId }, `drdesk-checkpoint-${c.doc.logId}-${c.doc.count}-${hex}.json`);
    return { logId: c.doc.logId, count: c.doc.count, operator: operator.name, export: item };
  }

  private refuseAudit(signer: Signer, subject: string, code: string, message: string): DeskError {
    this.d.audit.append(signer, { action: 'audit.witness-refused', subject, details: { code, message } });
    return new DeskError(code, message);
  }

  /**
   * On the operator's machine: a checkpoint of this log co-signed by colleagues, kept as a head the log must
   * hold from now on. Returns who co-signed it, and the problem when the log no longer holds it.
   */
  async importCosignedCheckpoint(text: string): Promise<{ count: number; witnesses: string[]; problem: { code: string; message: string } | null }> {
    const bundle = readTransport(text, 'checkpoint');
    const signer = await this.d.identity.signer();
    const c = openCheckpoint(bundle.checkpoint);
    if (c.doc.logId !== this.d.auditLog.logId)
      throw new DeskError('CHECKPOINT_OTHER_LOG', `This checkpoint is of another machine's audit log (${c.doc.logId}), not this one (${this.d.auditLog.logId}): co-sign it instead (drdesk audit cosign).`);
    const mine = await this.d.identity.keysInKeychain();
    if (mine.get(c.doc.signer) !== c.doc.signerKey)
      throw new DeskError('CHECKPOINT_SIGNER_UNKNOWN', `The checkpoint of this log is signed by ${c.doc.signer}, which is not this machine's identity: this log's checkpoints are signed here.`);
    const witnesses = witnessesOf(c, await this.rosterOrNull());
    if (!witnesses.length) throw new DeskError('CHECKPOINT_NOT_COSIGNED', 'The checkpoint carries no signature of a colleague in the roster: send it to an approver to co-sign first.');
    const at = this.d.clock.now().toISOString();
    for (const w of witnesses) this.d.auditLog.addWitnessed({ logId: c.doc.logId, count: c.doc.count, head: c.doc.head, witness: w.fingerprint, envelope: JSON.stringify(c.envelope), receivedAt: at });
    const problem = headProblem(this.d.auditLog, { count: c.doc.count, head: c.doc.head, by: witnesses.map((w) => `"${w.name}"`).join(', ') });
    this.d.audit.append(signer, { action: 'audit.cosigned', subject: `audit ${c.doc.logId}`, details: { count: c.doc.count, head: c.doc.head, witnesses: witnesses.map((w) => w.fingerprint), requestId: bundle.requestId, ...(problem ? { problem: problem.code } : {}) } });
    return { count: c.doc.count, witnesses: witnesses.map((w) => w.name), problem: problem ? { code: problem.code, message: problem.message } : null };
  }

  /** Heads of this log that colleagues co-signed (in their decisions' checkpoints or as witnessed heads), for checks. */
  private async cosignedHeads(): Promise<{ count: number; head: string; by: string }[]> {
    const roster = await this.rosterOrNull();
    return this.d.auditLog.witnessed().map((w) => ({ count: w.count, head: w.head, by: `"${roster?.person(w.witness)?.name ?? w.witness}" (co-signed head)` }));
  }

  /** The first co-signed head the log no longer holds, or null. */
  async problem(): Promise<DeskError | null> {
    for (const h of await this.cosignedHeads()) {
      const p = headProblem(this.d.auditLog, h);
      if (p) return p;
    }
    return null;
  }
}

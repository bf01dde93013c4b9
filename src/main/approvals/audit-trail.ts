import type { AuditEntryView, AuditQuery, AuditVerifyReport } from '../../shared/api/approvals';
import type { Envelope } from '../signing/envelope';
import type { IdentityStore } from './identity';
import type { Signer } from '../signing/signer';
import type { RosterBook } from './roster-book';
import type { ApprovalsStore } from './store';
import { openDecision } from './verify';
import type { AppendInput, AuditLog } from '../audit/audit-log';
import type { AuditEntryRow } from '../audit/audit-entry';
import { verifyAuditLog, type CoSignedCheckpoint } from '../audit/verify';

/**
 * The audit log together with who may sign it: this machine's identities and everyone in any roster
 * version. Other features (runbooks, drills) write through record(), signed by this workstation's identity.
 */
export class AuditTrail {
  constructor(
    readonly log: AuditLog,
    private readonly identity: IdentityStore,
    private readonly roster: RosterBook,
    private readonly store: ApprovalsStore,
  ) {}

  append(signer: Signer, input: AppendInput): AuditEntryRow {
    return this.log.append(signer, input);
  }

  /** Appends an entry signed by this workstation's identity (IDENTITY_REQUIRED when there is none). */
  async record(input: AppendInput): Promise<AuditEntryRow> {
    return this.log.append(await this.identity.signer(), input);
  }

  private async names(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const me = this.identity.get();
    if (me) names.set(me.fingerprint, me.name);
    try {
      for (const v of await this.roster.versions()) for (const p of v.doc.people) names.set(p.fingerprint, p.name);
    } catch {
      // Without a trusted roster, entries show fingerprints only; verify() reports the roster problem.
    }
    return names;
  }

  async query(q: AuditQuery): Promise<{ entries: AuditEntryView[]; total: number }> {
    const names = await this.names();
    return this.log.query(q, (fp) => names.get(fp) ?? null);
  }

  /**
   * Keys allowed to sign: this data directory's identities whose private key is in the keychain, and every
   * person of every roster version — never a key that is only a row in approvals_identity.
   */
  private async trustedKeys(): Promise<Map<string, string>> {
    const keys = await this.identity.keysInKeychain();
    try {
      for (const v of await this.roster.versions()) for (const p of v.doc.people) keys.set(p.fingerprint, p.publicKey);
    } catch {
      // An untrusted roster adds no keys; entries signed only by roster people then show as unknown signers.
    }
    return keys;
  }

  /**
   * Checkpoints of this log that approvers co-signed: in their (signature-checked) decisions, and the heads
   * their machines co-signed and sent back (imported with importCosignedCheckpoint, whose signatures were
   * checked then) — those may be newer than any checkpoint a request carried.
   */
  private coSigned(names: Map<string, string>): CoSignedCheckpoint[] {
    const out: CoSignedCheckpoint[] = [];
    for (const w of this.log.witnessed()) {
      const who = names.get(w.witness);
      out.push({ count: w.count, head: w.head, by: `${who ? `"${who}"` : w.witness} (head co-signed on their machine, received ${w.receivedAt})` });
    }
    for (const row of this.store.allDecisions()) {
      try {
        const d = openDecision(JSON.parse(row.envelope) as Envelope);
        if (d.value.checkpoint.logId !== this.log.logId) continue;
        const who = names.get(d.value.approver);
        out.push({ count: d.value.checkpoint.count, head: d.value.checkpoint.head, by: `${who ? `"${who}"` : d.value.approver} (decision ${d.digest.slice(0, 19)}…)` });
      } catch {
        // A decision that no longer verifies co-signs nothing; request verification reports it.
      }
    }
    return out;
  }

  /** `anchors`: heads known from outside this file (the keychain high-water mark), checked like co-signed ones. */
  async verify(full: boolean, anchors: CoSignedCheckpoint[] = []): Promise<AuditVerifyReport> {
    const names = await this.names();
    return verifyAuditLog({
      logId: this.log.logId,
      rows: this.log.rows(),
      checkpoints: this.log.checkpoints(),
      coSigned: this.coSigned(names),
      anchors,
      trustedKeys: await this.trustedKeys(),
      full,
    });
  }

  async export(q: AuditQuery, now: Date): Promise<{ fileName: string; jsonl: string; count: number }> {
    const { jsonl, count } = this.log.exportJsonl(q);
    return { fileName: `drdesk-audit-${this.log.logId}-${now.toISOString().slice(0, 10)}.jsonl`, jsonl, count };
  }
}

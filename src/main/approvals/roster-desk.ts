import type { ExportedItem, RosterChange, RosterPending, RosterReview, RosterView } from '../../shared/api/approvals';
import { DeskError } from '../../shared/errors';
import type { Envelope } from '../signing/envelope';
import type { AuditTrail } from './audit-trail';
import type { IdentityStore } from './identity';
import { describeRosterChange } from './roster';
import type { RosterBook } from './roster-book';
import { exportItem, readTransport } from './transport';

export interface RosterDeskDeps {
  identity: IdentityStore;
  roster: RosterBook;
  audit: AuditTrail;
  now: () => Date;
  /** The roster changed here: hosts refresh their approvals views. */
  changed: () => void;
}

/**
 * The roster as this workstation's identity changes it: start one, sign the next version (or leave it
 * pending for the admins its change needs), review and co-sign another admin's version, apply versions
 * from elsewhere, export the chain — each step, and each refusal, in the audit log. The rules themselves
 * (who may sign what, pins, rollback) are RosterBook's.
 */
export class RosterDesk {
  constructor(private readonly d: RosterDeskDeps) {}

  async view(): Promise<RosterView | null> {
    return (await this.d.roster.current())?.view() ?? null;
  }

  async init(): Promise<RosterView> {
    const signer = await this.d.identity.signer();
    const r = await this.d.roster.init(signer, this.d.now());
    this.d.audit.append(signer, { action: 'roster.created', subject: `roster v${r.doc.version}`, details: { version: r.doc.version, digest: r.digest, admin: signer.fingerprint } });
    this.d.changed();
    return r.view();
  }

  private export(chain: Envelope[], version: number): ExportedItem {
    return exportItem({ format: 'drdesk-bundle/1', kind: 'roster', chain }, `drdesk-roster-v${version}.json`);
  }

  /**
   * Signs the next roster version. When its change needs more admins than have signed (ROSTER_SECOND_ADMIN_REQUIRED
   * on its own), it is not applied: it comes back pending, exported with the chain before it, for another
   * admin to co-sign (or, for a joining admin, the person it adds).
   */
  async propose(changes: RosterChange[], apply = true): Promise<{ roster: RosterView; export: ExportedItem; pending: RosterPending | null }> {
    const signer = await this.d.identity.signer();
    const { envelope, roster, pending } = await this.d.roster.propose(signer, changes, this.d.now(), apply);
    const details = { version: roster.doc.version, digest: roster.digest, signer: signer.fingerprint, changes: changes.map(describeRosterChange) };
    if (pending) {
      this.d.audit.append(signer, { action: 'roster.proposed', subject: `roster v${roster.doc.version}`, details: { ...details, needed: pending.needed, signedBy: pending.signedBy, reasons: pending.reasons } });
      return { roster: roster.view(), export: this.export([...(await this.d.roster.chain()), envelope], roster.doc.version), pending };
    }
    if (apply) {
      this.d.audit.append(signer, { action: 'roster.changed', subject: `roster v${roster.doc.version}`, details });
      this.d.changed();
    }
    return { roster: roster.view(), export: this.export([envelope], roster.doc.version), pending: null };
  }

  /** What a proposed roster version changes, shown before co-signing it; nothing is signed or saved. */
  async review(text: string): Promise<RosterReview> {
    const { proposal, current, changes } = await this.d.roster.review(readTransport(text, 'roster').chain);
    const proposer = current.person(proposal.doc.signer);
    return { version: proposal.doc.version, proposedBy: { name: proposer?.name ?? null, fingerprint: proposal.doc.signer }, changes, roster: proposal.view() };
  }

  /** Adds this identity's signature to a proposed roster version (see RosterBook.cosign); applied here when complete. */
  async cosign(text: string, trustAdminFingerprint?: string): Promise<{ roster: RosterView; export: ExportedItem; pending: RosterPending | null }> {
    const bundle = readTransport(text, 'roster');
    const signer = await this.d.identity.signer();
    let result;
    try {
      result = await this.d.roster.cosign(signer, bundle.chain, trustAdminFingerprint);
    } catch (err) {
      if (err instanceof DeskError && err.code !== 'ROSTER_TRUST_REQUIRED') this.d.audit.append(signer, { action: 'roster.refused', subject: 'roster', details: { code: err.code, message: err.message, cosign: true } });
      throw err;
    }
    const { envelope, roster, pending } = result;
    const details = { version: roster.doc.version, digest: roster.digest, proposer: roster.doc.signer, cosigner: signer.fingerprint };
    this.d.audit.append(signer, { action: 'roster.cosigned', subject: `roster v${roster.doc.version}`, details: pending ? { ...details, needed: pending.needed, signedBy: pending.signedBy } : details });
    if (!pending) this.d.changed();
    const before = pending ? await this.d.roster.chain() : (await this.d.roster.chain()).slice(0, -1);
    return { roster: roster.view(), export: this.export([...before, envelope], roster.doc.version), pending };
  }

  async apply(text: string, trustAdminFingerprint?: string): Promise<RosterView> {
    const bundle = readTransport(text, 'roster');
    const signer = await this.d.identity.signer();
    let added;
    try {
      added = await this.d.roster.apply(bundle.chain, trustAdminFingerprint);
    } catch (err) {
      if (err instanceof DeskError && err.code !== 'ROSTER_TRUST_REQUIRED')
        this.d.audit.append(signer, { action: 'roster.refused', subject: 'roster', details: { code: err.code, message: err.message } });
      throw err;
    }
    for (const r of added)
      this.d.audit.append(signer, { action: 'roster.changed', subject: `roster v${r.doc.version}`, details: { version: r.doc.version, digest: r.digest, signer: r.doc.signer, imported: true } });
    if (added.length) this.d.changed();
    return (await this.d.roster.require()).view();
  }

  async exportChain(): Promise<ExportedItem> {
    const chain = await this.d.roster.chain();
    if (!chain.length) throw new DeskError('ROSTER_MISSING', 'There is no roster to export: start one with drdesk roster init.');
    return this.export(chain, chain.length);
  }
}

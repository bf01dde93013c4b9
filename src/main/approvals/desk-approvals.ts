import type BetterSqlite3 from 'better-sqlite3';
import { canonicalize } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import type { ApprovalsEvents, AuditQuery, CreateRequestInput, DecisionView, ExportedItem, IdentityInfo, IntegrityReport, RequestDetail, RosterPending, RosterReview, RequestState, RequestSummary, RosterChange, RosterView } from '../../shared/api/approvals';
import type { SecretStore } from '../store/secret-store';
import { AuditLog } from '../audit/audit-log';
import { AuditTrail } from './audit-trail';
import { AuditHeads } from './audit-heads';
import { AuditAnchor } from '../audit/audit-anchor';
import { isBreakGlass } from '../audit/audit-entry';
import type { Envelope } from '../signing/envelope';
import { createEnrollmentToken } from './enrollment';
import { IdentityStore } from './identity';
import type { Signer } from '../signing/signer';
import { createDecision } from './approval';
import { createRequest, plainJson, planDigestOf, statusDigestOf } from './request';
import { requestDetail, requestSummary } from './request-views';
import { RosterBook } from './roster-book';
import { RosterDesk } from './roster-desk';
import { ExecutionGate } from './execution-gate';
import { MachinePins } from '../signing/machine-pins';
import type { Roster } from './roster';
import type { RosterSource } from './roster-source';
import { ApprovalsStore, envelopeOf } from './store';
import { exportItem, readTransport, type Bundle } from './transport';
import { syncDropFolder, writeDrop, type DropSyncResult } from './drop-folder';
import { judgeDecision, openDecision, openRequest, verifyRequest } from './verify';

export interface Clock {
  now(): Date;
}

export interface DeskApprovalsOptions {
  db: BetterSqlite3.Database;
  secrets: SecretStore;
  roster: RosterSource;
  clock?: Clock;
  /** The status this machine sees now (hashed into requests and decisions); none when omitted. */
  statusSnapshot?: () => unknown;
  emit?: <E extends keyof ApprovalsEvents>(event: E, payload: ApprovalsEvents[E]) => void;
}

/**
 * The two-person rule's engine: identities, the roster, requests, co-signed decisions and the audit trail,
 * behind the methods DeskApi exposes (methods.ts, through the router); runbooks call authorizeExecution()
 * and audit() directly.
 */
export class DeskApprovals {
  readonly identity: IdentityStore;
  readonly store: ApprovalsStore;
  readonly roster: RosterBook;
  readonly auditLog: AuditLog;
  readonly audit: AuditTrail;
  /** The audit high-water mark in the keychain: the part of the log's history that lives off this file. */
  readonly anchor: AuditAnchor;
  readonly heads: AuditHeads;
  private readonly rosterDesk: RosterDesk;
  private readonly gate: ExecutionGate;
  private readonly clock: Clock;

  constructor(private readonly opts: DeskApprovalsOptions) {
    this.clock = opts.clock ?? { now: () => new Date() };
    const now = () => this.clock.now();
    this.identity = new IdentityStore(opts.db, opts.secrets, now);
    this.store = new ApprovalsStore(opts.db);
    // Without an identity, or with its key out of reach (keychain locked or absent), there is nothing to sign
    // or check the keychain records with: the SQLite pins still apply, and verify still runs.
    const pins = new MachinePins(opts.secrets, async () => {
      if (!this.identity.get()) return null;
      try {
        return await this.identity.signer();
      } catch (err) {
        if (err instanceof DeskError && ['IDENTITY_KEY_MISSING', 'KEYCHAIN_UNAVAILABLE'].includes(err.code)) return null;
        throw err;
      }
    });
    this.roster = new RosterBook(opts.roster, this.store, pins, now);
    this.auditLog = new AuditLog(opts.db, now);
    this.audit = new AuditTrail(this.auditLog, this.identity, this.roster, this.store);
    this.anchor = new AuditAnchor(this.auditLog, pins, now);
    this.rosterDesk = new RosterDesk({ identity: this.identity, roster: this.roster, audit: this.audit, now, changed: () => this.changed(null, null, 'roster') });
    this.heads = new AuditHeads({ identity: this.identity, store: this.store, roster: this.roster, auditLog: this.auditLog, audit: this.audit, clock: this.clock });
    const { identity, store, audit, anchor, heads } = this;
    this.gate = new ExecutionGate({ identity, store, audit, anchor, heads, now, getRequest: (id) => this.getRequest(id), changed: (id, state) => this.changed(id, state, 'executed') });
    this.auditLog.onAppend((e) => {
      let details: Record<string, unknown> | null = null;
      try {
        details = JSON.parse(e.details) as Record<string, unknown>;
      } catch {
        details = null;
      }
      this.emit('auditAppended', { seq: e.seq, action: e.action, subject: e.subject, breakGlass: isBreakGlass(e.action, details) });
    });
  }

  private emit<E extends keyof ApprovalsEvents>(event: E, payload: ApprovalsEvents[E]): void {
    this.opts.emit?.(event, payload);
  }

  private changed(requestId: string | null, state: RequestState | null, reason: string): void {
    this.emit('approvalsChanged', { requestId, state, reason });
  }

  private snapshot(): unknown {
    return this.opts.statusSnapshot ? plainJson(this.opts.statusSnapshot(), 'status snapshot') : null;
  }

  // Identity

  getIdentity(): IdentityInfo | null {
    return this.identity.get();
  }

  async createIdentity(name: string): Promise<IdentityInfo> {
    const info = await this.identity.create(name);
    this.audit.append(await this.identity.signer(), { action: 'identity.created', subject: info.fingerprint, details: { name, keyStorage: info.keyStorage } });
    return info;
  }

  async exportEnrollmentToken(): Promise<{ token: string; fingerprint: string; name: string }> {
    const signer = await this.identity.signer();
    return { token: createEnrollmentToken(signer, this.clock.now()), fingerprint: signer.fingerprint, name: signer.name };
  }

  // Roster: approvals/roster-desk.ts

  getRoster(): Promise<RosterView | null> {
    return this.rosterDesk.view();
  }

  initRoster(): Promise<RosterView> {
    return this.rosterDesk.init();
  }

  /** See RosterDesk.propose: a change needing more admins than signed comes back pending. */
  proposeRosterChange(changes: RosterChange[], apply = true): Promise<{ roster: RosterView; export: ExportedItem; pending: RosterPending | null }> {
    return this.rosterDesk.propose(changes, apply);
  }

  reviewRosterChange(text: string): Promise<RosterReview> {
    return this.rosterDesk.review(text);
  }

  cosignRosterChange(text: string, trustAdminFingerprint?: string): Promise<{ roster: RosterView; export: ExportedItem; pending: RosterPending | null }> {
    return this.rosterDesk.cosign(text, trustAdminFingerprint);
  }

  applyRosterChange(text: string, trustAdminFingerprint?: string): Promise<RosterView> {
    return this.rosterDesk.apply(text, trustAdminFingerprint);
  }

  exportRoster(): Promise<ExportedItem> {
    return this.rosterDesk.exportChain();
  }

  // Requests

  async createRequest(input: CreateRequestInput): Promise<RequestDetail> {
    const signer = await this.identity.signer();
    const roster = await this.roster.require();
    const plan = plainJson(input.plan, 'plan');
    const statusSnapshot = input.statusSnapshot === undefined ? this.snapshot() : plainJson(input.statusSnapshot, 'status snapshot');
    const checkpoint = this.auditLog.checkpoint(signer);
    const env = createRequest({ ...input, plan, statusSnapshot }, { signer, roster, policy: roster.doc.policy, checkpoint, now: this.clock.now() });
    const opened = openRequest(env);
    const r = opened.value;
    this.store.insertRequest({
      id: r.id,
      digest: opened.digest,
      envelope: JSON.stringify(env),
      action: r.action,
      requester: r.requester,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
      nonce: r.nonce,
      origin: 'local',
      received_at: r.createdAt,
      status_snapshot: canonicalize(statusSnapshot),
      executed_at: null,
    });
    this.audit.append(signer, {
      action: 'request.created',
      subject: r.id,
      details: { digest: opened.digest, action: r.action, target: r.target, reason: r.reason, planDigest: planDigestOf(r.plan), expiresAt: r.expiresAt, checkpoint: r.checkpoint, breakGlass: r.action === 'break-glass' },
    });
    await this.anchor.advance();
    const detail = await this.getRequest(r.id);
    this.changed(r.id, detail.state, 'created');
    return detail;
  }

  async listRequests(q: { state?: RequestState; limit?: number } = {}): Promise<RequestSummary[]> {
    const roster = await this.rosterOrNull();
    const now = this.clock.now();
    const all = this.store.requests(q.state ? 10_000 : (q.limit ?? 200)).map((row) => requestSummary(requestDetail(this.store, row, roster, now)));
    return (q.state ? all.filter((s) => s.state === q.state) : all).slice(0, q.limit ?? 200);
  }

  async rosterOrNull(): Promise<Roster | null> {
    try {
      return await this.roster.current();
    } catch {
      return null;
    }
  }

  async getRequest(id: string): Promise<RequestDetail> {
    const row = this.store.request(id);
    if (!row) throw new DeskError('REQUEST_UNKNOWN', `There is no request ${id} on this machine: import it first (file or token from the requester).`);
    return requestDetail(this.store, row, await this.rosterOrNull(), this.clock.now());
  }

  async exportRequest(id: string, dropDir?: string): Promise<ExportedItem> {
    const row = this.store.request(id);
    if (!row) throw new DeskError('REQUEST_UNKNOWN', `There is no request ${id} on this machine.`);
    const bundle: Bundle = { format: 'drdesk-bundle/1', kind: 'request', request: JSON.parse(row.envelope) as Envelope };
    if (row.status_snapshot !== null) bundle.statusSnapshot = JSON.parse(row.status_snapshot) as unknown;
    const item = exportItem(bundle, `drdesk-request-${id}.json`);
    if (dropDir) writeDrop(dropDir, item);
    return item;
  }

  /** Verifies and stores a request from another machine; importing the same one again changes nothing. */
  async importRequest(text: string): Promise<{ detail: RequestDetail; isNew: boolean }> {
    const bundle = readTransport(text, 'request');
    const signer = await this.identity.signer();
    const roster = await this.roster.require();
    const opened = openRequest(bundle.request);
    const r = opened.value;
    const existing = this.store.request(r.id);
    if (existing) {
      if (existing.digest === opened.digest) return { detail: await this.getRequest(r.id), isNew: false };
      const approved = this.store.decisions(r.id).length > 0;
      throw this.refuse(signer, r.id, approved ? 'REQUEST_CHANGED_SINCE_APPROVAL' : 'REQUEST_ID_CONFLICT', `A different version of request ${r.id} is already here${approved ? ' and was decided on' : ''}: the request was changed after it was first sent. Ask the requester for a new request.`);
    }
    const other = this.store.requestByNonce(r.nonce);
    if (other) throw this.refuse(signer, r.id, 'REQUEST_NONCE_REPLAYED', `Request ${r.id} reuses the nonce of request ${other.id}: this is a replay. Do not act on it.`);
    if (bundle.statusSnapshot !== undefined && statusDigestOf(bundle.statusSnapshot) !== r.statusDigest)
      throw this.refuse(signer, r.id, 'STATUS_SNAPSHOT_MISMATCH', `The status snapshot that came with request ${r.id} is not the one the requester signed: it was changed in transit.`);
    const check = verifyRequest({ request: bundle.request, decisions: [], roster, now: this.clock.now() });
    const first = check.result.state === 'invalid' ? check.result.refusals[0] : null;
    if (first) throw this.refuse(signer, r.id, first.code, first.message);
    this.store.insertRequest({
      id: r.id,
      digest: opened.digest,
      envelope: JSON.stringify(bundle.request),
      action: r.action,
      requester: r.requester,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
      nonce: r.nonce,
      origin: 'imported',
      received_at: this.clock.now().toISOString(),
      status_snapshot: bundle.statusSnapshot === undefined ? null : canonicalize(bundle.statusSnapshot),
      executed_at: null,
    });
    this.audit.append(signer, { action: 'request.imported', subject: r.id, details: { digest: opened.digest, action: r.action, target: r.target, requester: r.requester, breakGlass: r.action === 'break-glass' } });
    const detail = await this.getRequest(r.id);
    this.changed(r.id, detail.state, 'imported');
    return { detail, isNew: true };
  }

  /** Audits a refusal and returns the error to throw: refused attempts are evidence too. */
  private refuse(signer: Signer, subject: string, code: string, message: string): DeskError {
    this.audit.append(signer, { action: 'request.refused', subject, details: { code, message } });
    return new DeskError(code, message);
  }

  async decide(id: string, decision: 'approve' | 'deny', comment: string): Promise<{ decision: DecisionView; export: ExportedItem }> {
    const signer = await this.identity.signer();
    const roster = await this.roster.require();
    const row = this.store.request(id);
    if (!row) throw new DeskError('REQUEST_UNKNOWN', `There is no request ${id} on this machine: import it first.`);
    const now = this.clock.now();
    const before = requestDetail(this.store, row, roster, now);
    const blocking = before.verification.refusals.find((x) => ['REQUEST_EXPIRED', 'REQUEST_ALREADY_EXECUTED'].includes(x.code) || before.state === 'invalid');
    if (blocking) throw this.refuse(signer, id, blocking.code, `Cannot ${decision} request ${id}: ${blocking.message}`);
    const env = createDecision({ doc: openRequest(JSON.parse(row.envelope)).value, digest: row.digest }, decision, comment, { signer, now, approverStatusDigest: this.opts.statusSnapshot ? statusDigestOf(this.snapshot()) : null });
    const mine = this.judge(id, env, now, roster);
    if (mine.refusal) throw this.refuse(signer, id, mine.refusal.code, mine.refusal.message);
    const view = this.storeDecision(signer, env, 'local', roster);
    await this.anchor.advance();
    return { decision: view, export: this.decisionExport(env) };
  }

  private judge(id: string, env: Envelope, now: Date, roster: Roster): DecisionView {
    const row = this.store.request(id);
    if (!row) throw new DeskError('REQUEST_UNKNOWN', `There is no request ${id} on this machine: import the request before its approvals.`);
    return judgeDecision(envelopeOf(row.envelope), this.store.decisions(id).map((d) => envelopeOf(d.envelope)), env, roster, now);
  }

  private storeDecision(signer: Signer, env: Envelope, origin: 'local' | 'imported', roster: Roster): DecisionView {
    const opened = openDecision(env);
    const d = opened.value;
    const isNew = this.store.insertDecision({
      digest: opened.digest,
      request_id: d.requestId,
      decision: d.decision,
      approver: d.approver,
      envelope: JSON.stringify(env),
      created_at: d.createdAt,
      received_at: this.clock.now().toISOString(),
      origin,
    });
    const row = this.store.request(d.requestId);
    if (!row) throw new DeskError('REQUEST_UNKNOWN', `There is no request ${d.requestId} on this machine: import the request before its approvals.`);
    if (isNew)
      this.audit.append(signer, {
        action: d.decision === 'approve' ? 'request.approved' : 'request.denied',
        subject: d.requestId,
        details: { decision: opened.digest, approver: d.approver, requestDigest: d.requestDigest, comment: d.comment, checkpoint: d.checkpoint, imported: origin === 'imported', breakGlass: row.action === 'break-glass' },
      });
    const detail = requestDetail(this.store, row, roster, this.clock.now());
    this.changed(d.requestId, detail.state, d.decision);
    const view = detail.decisionsList.find((x) => x.digest === opened.digest);
    if (!view) throw new DeskError('DECISION_MALFORMED', `The ${d.decision === 'approve' ? 'approval' : 'denial'} was stored but could not be read back: run drdesk audit verify.`);
    return view;
  }

  private decisionExport(env: Envelope): ExportedItem {
    const opened = openDecision(env);
    return exportItem({ format: 'drdesk-bundle/1', kind: 'decision', decision: env }, `drdesk-decision-${opened.value.requestId}-${opened.digest.slice(7, 19)}.json`);
  }

  async exportApproval(digest: string, dropDir?: string): Promise<ExportedItem> {
    const row = this.store.decision(digest);
    if (!row) throw new DeskError('DECISION_UNKNOWN', `There is no approval or denial ${digest} on this machine.`);
    const item = this.decisionExport(JSON.parse(row.envelope) as Envelope);
    if (dropDir) writeDrop(dropDir, item);
    return item;
  }

  /** Verifies an approval or denial from an approver's machine and records it; refusals name their reason. */
  async importApproval(text: string, expectRequestId?: string): Promise<{ detail: RequestDetail; isNew: boolean }> {
    const bundle = readTransport(text, 'decision');
    const signer = await this.identity.signer();
    const roster = await this.roster.require();
    const opened = openDecision(bundle.decision);
    const d = opened.value;
    if (expectRequestId && d.requestId !== expectRequestId)
      throw this.refuse(signer, expectRequestId, 'APPROVAL_FOR_OTHER_REQUEST', `This approval is for request ${d.requestId}, not ${expectRequestId}: an approval replayed from another request does not count.`);
    if (this.store.decision(opened.digest)) return { detail: await this.getRequest(d.requestId), isNew: false };
    const view = this.judge(d.requestId, bundle.decision, this.clock.now(), roster);
    if (view.refusal) throw this.refuse(signer, d.requestId, view.refusal.code, view.refusal.message);
    this.storeDecision(signer, bundle.decision, 'imported', roster);
    await this.anchor.advance();
    return { detail: await this.getRequest(d.requestId), isNew: true };
  }

  /** Imports every new export in a shared folder; files already seen with the same content are skipped. */
  async syncDropFolder(dir: string): Promise<DropSyncResult> {
    return syncDropFolder(this, dir, this.clock.now());
  }

  /** The gate runbooks call before running a request (approvals/execution-gate.ts): once, audited, else EXECUTION_LOCKED. */
  authorizeExecution(id: string): Promise<RequestDetail> {
    return this.gate.authorize(id);
  }

  // The audit log anchored off this machine: approvals/audit-heads.ts

  exportCheckpoint(requestId: string | null = null, dropDir?: string): Promise<ExportedItem> {
    return this.heads.exportCheckpoint(requestId, dropDir);
  }

  witnessCheckpoint(text: string) {
    return this.heads.witnessCheckpoint(text);
  }

  importCosignedCheckpoint(text: string) {
    return this.heads.importCosignedCheckpoint(text);
  }

  // Audit (delegated, so hosts reach it through one object)

  /** For runbooks and drills: entries signed by this workstation's identity; `actor` is kept as `by`. */
  auditSink(): { append(e: { action: string; actor: string; subject: string; details: Record<string, unknown> }): Promise<unknown> } {
    return { append: (e) => this.audit.record({ action: e.action, subject: e.subject, details: { ...(plainJson(e.details, 'audit details') as Record<string, unknown>), by: e.actor } }) };
  }

  async getAudit(q: AuditQuery = {}) {
    return this.audit.query(q);
  }

  /** Verifies the log against its checkpoints, co-signed heads and the keychain high-water mark; moves the mark up when clean. */
  async verifyAudit(full = false) {
    const mark = await this.anchor.mark();
    const anchors = mark ? [{ count: mark.version, head: mark.digest, by: "this machine's keychain (audit high-water mark)" }] : [];
    const report = await this.audit.verify(full, anchors);
    if (report.ok) await this.anchor.advance();
    return report;
  }

  /**
   * The start-up check: the log is not behind, nor off, the keychain's high-water mark or a head colleagues
   * co-signed. Throws AUDIT_ROLLED_BACK / AUDIT_REWRITTEN. (The roster's pins are checked on every roster read.)
   */
  async checkAnchors(): Promise<void> {
    await this.anchor.check();
    const cosigned = await this.heads.problem();
    if (cosigned) throw cosigned;
  }

  /**
   * The start-up check as a report, for hosts that show it to the person rather than print it: the audit
   * log against the keychain's high-water mark, and the roster against its pins (a roster read checks them).
   */
  async integrity(): Promise<IntegrityReport> {
    const problems: IntegrityReport['problems'] = [];
    const note = (err: unknown) => {
      if (!(err instanceof DeskError)) throw err;
      problems.push({ code: err.code, message: err.message });
    };
    await this.anchor.check().catch(note);
    const cosigned = await this.heads.problem();
    if (cosigned) note(cosigned);
    await this.roster.current().catch((err: unknown) => {
      if (!(err instanceof DeskError) || !['ROSTER_ROLLBACK', 'ROSTER_REPLACED', 'PIN_INVALID', 'ROSTER_UNREADABLE'].includes(err.code)) return;
      note(err);
    });
    return { ok: problems.length === 0, checkedAt: this.clock.now().toISOString(), problems };
  }

  async exportAudit(q: AuditQuery = {}) {
    return this.audit.export(q, this.clock.now());
  }
}

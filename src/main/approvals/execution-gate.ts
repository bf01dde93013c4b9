import type { RequestDetail, RequestState } from '../../shared/api/approvals';
import { DeskError } from '../../shared/errors';
import type { AuditAnchor } from '../audit/audit-anchor';
import type { AuditHeads } from './audit-heads';
import type { AuditTrail } from './audit-trail';
import type { IdentityStore } from './identity';
import type { ApprovalsStore } from './store';

export interface ExecutionGateDeps {
  identity: IdentityStore;
  store: ApprovalsStore;
  audit: AuditTrail;
  anchor: AuditAnchor;
  heads: AuditHeads;
  now: () => Date;
  /** The request as verified now (roster, decisions, expiry). */
  getRequest: (id: string) => Promise<RequestDetail>;
  /** The request ran: hosts refresh their approvals views. */
  changed: (id: string, state: RequestState) => void;
}

/**
 * Whether a request may run, decided at the moment it would: unlocked by its decisions now, not already
 * run (in the database or, for a restored older copy, in the keychain's high-water mark), and the audit log
 * not rolled back. Every refusal and every start is audited; a request runs once.
 */
export class ExecutionGate {
  constructor(private readonly d: ExecutionGateDeps) {}

  /**
   * The gate runbooks call before running a request: verifies it now, and if it is unlocked marks it as
   * executed (once — a second call is refused) and audits the start. Throws EXECUTION_LOCKED otherwise.
   */
  async authorize(id: string): Promise<RequestDetail> {
    const signer = await this.d.identity.signer();
    const detail = await this.d.getRequest(id);
    if (!detail.unlocked) {
      this.d.audit.append(signer, { action: 'execution.refused', subject: id, details: { state: detail.state, summary: detail.verification.summary, breakGlass: detail.breakGlass } });
      throw new DeskError('EXECUTION_LOCKED', detail.verification.summary, detail.verification);
    }
    // The local file alone cannot say a request never ran: an older copy of it says exactly that. The
    // keychain's high-water mark remembers executions and how long the log was.
    const mark = await this.d.anchor.mark();
    if (mark?.executed?.includes(id)) {
      this.d.audit.append(signer, { action: 'execution.refused', subject: id, details: { code: 'REQUEST_ALREADY_EXECUTED', source: 'keychain high-water mark', breakGlass: detail.breakGlass } });
      throw new DeskError('REQUEST_ALREADY_EXECUTED', `Request ${id} has already run: this machine's keychain records its execution, although the database does not (an older copy of the database was restored). A request runs once; create a new one.`, { source: 'keychain' });
    }
    const rolledBack = this.d.anchor.problem(mark) ?? (await this.d.heads.problem());
    if (rolledBack) {
      this.d.audit.append(signer, { action: 'execution.refused', subject: id, details: { code: rolledBack.code, message: rolledBack.message, breakGlass: detail.breakGlass } });
      throw rolledBack;
    }
    const at = this.d.now().toISOString();
    if (!this.d.store.markExecuted(id, at)) throw new DeskError('REQUEST_ALREADY_EXECUTED', `Request ${id} has already run: a request runs once; create a new one to run again.`);
    this.d.audit.append(signer, {
      action: detail.breakGlass ? 'break-glass.executed' : 'request.executed',
      subject: id,
      details: { digest: detail.digest, action: detail.action, target: detail.target, approvers: detail.verification.requirements.flatMap((q) => q.approvers.map((a) => a.fingerprint)), breakGlass: detail.breakGlass },
    });
    await this.d.anchor.advance(id);
    const after = await this.d.getRequest(id);
    this.d.changed(id, after.state);
    return { ...after, verification: detail.verification, unlocked: true };
  }
}

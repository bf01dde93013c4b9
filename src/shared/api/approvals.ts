/**
 * Identities, the roster, requests, co-signed approvals and the audit log. Every shape here is
 * plain JSON so that it crosses IPC and the web socket unchanged. Fingerprints are "SHA256:<base64>" of
 * the raw Ed25519 public key; a person is counted by that key, never by name or key id.
 */

export const APPROVAL_ACTIONS = ['switchover', 'dr-activation', 'failback', 'drill', 'break-glass'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

export const ROSTER_ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type RosterRole = (typeof ROSTER_ROLES)[number];

export interface IdentityInfo {
  name: string;
  fingerprint: string;
  /** The same fingerprint as grouped hex, easier to read aloud when comparing on the phone. */
  fingerprintHex: string;
  /** Raw Ed25519 public key, base64. */
  publicKey: string;
  createdAt: string;
  /** Where the private key lives, e.g. "Secret Service"; the key itself never leaves the engine. */
  keyStorage: string;
}

export interface RosterPerson {
  name: string;
  fingerprint: string;
  publicKey: string;
  roles: RosterRole[];
  /** Approver group such as "IT" or "business"; null for people who do not approve. */
  group: string | null;
  /** The person this key belongs to (the fingerprint of one of their keys); keys of one person count once. */
  person?: string;
}

/** At least `count` distinct approvers from `group` (null: from any group). All requirements hold together. */
export interface PolicyRequirement {
  group: string | null;
  count: number;
}

export interface ActionPolicy {
  requirements: PolicyRequirement[];
  /** The latest expiry a requester may choose, counted from the request's creation. */
  maxExpiryMinutes: number;
  /** Minimum length of the written reason. */
  minReasonLength: number;
}

export type ApprovalPolicy = Record<ApprovalAction, ActionPolicy>;

export interface RosterView {
  version: number;
  digest: string;
  createdAt: string;
  /** Who signed this version (an admin of the previous version; for version 1, of itself). */
  signedBy: { name: string; fingerprint: string };
  people: RosterPerson[];
  policy: ApprovalPolicy;
  /** Admins (distinct persons) who must sign a change that adds a key or approver or weakens a policy; null: an older roster, one admin signs. */
  adminThreshold: number | null;
}

/** A roster version signed by fewer admins than its change needs: it waits for others to co-sign. */
export interface RosterPending {
  version: number;
  needed: number;
  /** Names of the admins (one per person) whose signatures it carries. */
  signedBy: string[];
  /** Why the change needs more than one admin, one sentence each. */
  reasons: string[];
}

export type RosterChange =
  | { op: 'add'; enrollmentToken: string; roles: RosterRole[]; group?: string | null; /** A key of the person this new key belongs to. */ person?: string }
  | { op: 'remove'; fingerprint: string }
  | { op: 'update'; fingerprint: string; roles?: RosterRole[]; group?: string | null }
  | { op: 'set-policy'; action: ApprovalAction; policy: ActionPolicy }
  | { op: 'set-admin-threshold'; threshold: number };

/** A proposed roster version as the person asked to co-sign it sees it first. */
export interface RosterReview {
  version: number;
  proposedBy: { name: string | null; fingerprint: string };
  /** What it changes, one sentence each (the changes that need more than one admin first). */
  changes: string[];
  /** The roster as it would be. */
  roster: RosterView;
}

/** Something that travels between machines: a JSON file and the same content as a chat-sized token. */
export interface ExportedItem {
  kind: 'request' | 'decision' | 'roster' | 'checkpoint';
  fileName: string;
  /** The file's JSON text. */
  file: string;
  /** "drdesk1.<base64url(deflate(canonical JSON))>.<checksum>" */
  token: string;
}

export interface PersonRef {
  fingerprint: string;
  /** From the roster; null when the key is not in it. */
  name: string | null;
  group: string | null;
}

export interface AuditCheckpointRef {
  logId: string;
  count: number;
  head: string;
  time: string;
  signer: string;
}

export type RequestState = 'pending' | 'approved' | 'denied' | 'expired' | 'invalid' | 'executed';

export interface RefusalView {
  /** Stable reason code, e.g. SELF_APPROVAL, DUPLICATE_APPROVER, REQUEST_EXPIRED. */
  code: string;
  /** A sentence an operator can act on. */
  message: string;
  /** The decision it concerns (its digest), when it concerns one. */
  decision?: string;
  fingerprint?: string;
}

export interface RequirementView {
  /** e.g. "1 approver from IT", "2 approvers from any group". */
  label: string;
  group: string | null;
  needed: number;
  met: boolean;
  approvers: PersonRef[];
  /** e.g. "missing: 1 approver from business". */
  message: string;
}

export interface VerificationResult {
  requestId: string;
  requestDigest: string;
  state: RequestState;
  /** True only when every check passed and every requirement is met: execution may start. */
  unlocked: boolean;
  breakGlass: boolean;
  expiresAt: string;
  checkedAt: string;
  requirements: RequirementView[];
  /** Checks of the request itself and of each decision that did not count. */
  refusals: RefusalView[];
  /** One sentence for a banner: why it is locked, or that it is unlocked. */
  summary: string;
}

export interface DecisionView {
  digest: string;
  requestId: string;
  decision: 'approve' | 'deny';
  approver: PersonRef;
  comment: string;
  createdAt: string;
  checkpoint: AuditCheckpointRef;
  /** Whether it counts, and why not when it does not. */
  counted: boolean;
  refusal: RefusalView | null;
}

export interface RequestSummary {
  id: string;
  digest: string;
  action: ApprovalAction;
  target: string;
  reason: string;
  requester: PersonRef;
  createdAt: string;
  expiresAt: string;
  breakGlass: boolean;
  state: RequestState;
  unlocked: boolean;
  /** "local": made here; "imported": received from another machine. */
  origin: 'local' | 'imported';
  decisions: number;
}

export interface RequestDetail extends RequestSummary {
  /** The exact runbook plan, as signed (opaque JSON from the runbook engine). */
  plan: unknown;
  /** sha256 of the plan's canonical JSON ("sha256:<hex>"): what the executor checks before running. */
  planDigest: string;
  statusDigest: string;
  /** The status snapshot the requester saw, when it travelled with the request (its digest is checked). */
  statusSnapshot: unknown;
  nonce: string;
  checkpoint: AuditCheckpointRef;
  decisionsList: DecisionView[];
  verification: VerificationResult;
  executedAt: string | null;
}

export interface CreateRequestInput {
  action: ApprovalAction;
  target: string;
  reason: string;
  /** The exact plan that will run: any JSON (the runbook engine's plan object, or a list of steps). */
  plan: unknown;
  /** The status the requester sees now (hashed into the request); the engine's own view when omitted. */
  statusSnapshot?: unknown;
  /** Minutes until the request expires; the policy's maximum when omitted. */
  expiresInMinutes?: number;
}

export interface AuditEntryView {
  seq: number;
  time: string;
  actor: string;
  actorName: string | null;
  action: string;
  subject: string;
  details: unknown;
  prev: string;
  hash: string;
  breakGlass: boolean;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  subject?: string;
  since?: string;
  until?: string;
  breakGlassOnly?: boolean;
  /** Entries with seq below this (paging backwards from the newest). */
  beforeSeq?: number;
  limit?: number;
}

export type AuditTamperKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'forged' | 'malformed';

export interface AuditProblem {
  seq: number;
  kind: AuditTamperKind;
  code: string;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  logId: string;
  entries: number;
  checkpoints: number;
  /** Checkpoints of this log co-signed by approvers on other machines (carried in their approvals). */
  coSignedCheckpoints: number;
  signaturesVerified: number;
  /** "chain": every hash, every checkpoint, the last signature of each run of one actor; "full": every signature. */
  mode: 'chain' | 'full';
  head: string;
  firstProblem: AuditProblem | null;
  problems: AuditProblem[];
  durationMs: number;
}

/** What the start-up check found: the log against the keychain's high-water mark, the roster against its pins. */
export interface IntegrityReport {
  ok: boolean;
  checkedAt: string;
  /** Each problem with its code (AUDIT_ROLLED_BACK, AUDIT_REWRITTEN, ROSTER_ROLLBACK, PIN_INVALID…) and sentence. */
  problems: { code: string; message: string }[];
}

export interface ApprovalsMethods {
  getIdentity: { in: void; out: IdentityInfo | null };
  createIdentity: { in: { name: string }; out: IdentityInfo };
  exportEnrollmentToken: { in: void; out: { token: string; fingerprint: string; name: string } };
  getRoster: { in: void; out: RosterView | null };
  /** First roster on a new team: this identity becomes its admin. */
  initRoster: { in: void; out: RosterView };
  /** Signs the next roster version with this identity (an admin); applies it here unless apply is false. */
  proposeRosterChange: { in: { changes: RosterChange[]; apply?: boolean }; out: { roster: RosterView; export: ExportedItem; pending: RosterPending | null } };
  /**
   * Adds this admin's signature to a roster version another admin proposed (the export of proposeRosterChange):
   * applied here once it carries enough admins. A new admin joining a roster co-signs the version adding them,
   * trusting the proposing admin's fingerprint as on a first import.
   */
  reviewRosterChange: { in: { text: string }; out: RosterReview };
  cosignRosterChange: { in: { text: string; trustAdminFingerprint?: string }; out: { roster: RosterView; export: ExportedItem; pending: RosterPending | null } };
  /** Applies a signed roster version (or a whole chain) from a file or token. */
  applyRosterChange: { in: { text: string; trustAdminFingerprint?: string }; out: RosterView };
  exportRoster: { in: void; out: ExportedItem };
  createRequest: { in: CreateRequestInput; out: RequestDetail };
  listRequests: { in: { state?: RequestState; limit?: number } | void; out: RequestSummary[] };
  getRequest: { in: { id: string }; out: RequestDetail };
  exportRequest: { in: { id: string; dropDir?: string }; out: ExportedItem };
  importRequest: { in: { text: string }; out: RequestDetail };
  approveRequest: { in: { id: string; comment: string }; out: { decision: DecisionView; export: ExportedItem } };
  denyRequest: { in: { id: string; comment: string }; out: { decision: DecisionView; export: ExportedItem } };
  exportApproval: { in: { digest: string; dropDir?: string }; out: ExportedItem };
  /** `requestId`: the request the operator is importing for; an approval of another request is refused. */
  importApproval: { in: { text: string; requestId?: string }; out: RequestDetail };
  /** Imports every new request and decision file from a folder both machines can see. */
  syncDropFolder: { in: { dir: string }; out: { imported: { file: string; kind: string; id: string }[]; refused: { file: string; code: string; message: string }[] } };
  getAudit: { in: AuditQuery | void; out: { entries: AuditEntryView[]; total: number } };
  verifyAudit: { in: { full?: boolean } | void; out: AuditVerifyReport };
  /** This log's signed head (with the request it follows), for approvers' machines to co-sign. */
  exportCheckpoint: { in: { requestId?: string; dropDir?: string } | void; out: ExportedItem };
  /** Co-signs a colleague's checkpoint unless it goes back on a head this machine attested (CHECKPOINT_REGRESSED / CHECKPOINT_FORKED). */
  witnessCheckpoint: { in: { text: string }; out: { logId: string; count: number; operator: string; export: ExportedItem } };
  /** Keeps a head of this log that colleagues co-signed; `problem` when the log no longer holds it. */
  importCosignedCheckpoint: { in: { text: string }; out: { count: number; witnesses: string[]; problem: { code: string; message: string } | null } };
  /** The start-up check, run again: is this database behind or off what the keychain remembers? */
  getIntegrity: { in: void; out: IntegrityReport };
  exportAudit: { in: AuditQuery | void; out: { fileName: string; jsonl: string; count: number } };
}

export interface ApprovalsEvents {
  /** A request, decision or the roster changed here (created, imported, approved, executed). */
  approvalsChanged: { requestId: string | null; state: RequestState | null; reason: string };
  auditAppended: { seq: number; action: string; subject: string; breakGlass: boolean };
}

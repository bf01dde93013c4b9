import { expect } from 'vitest';
import { DeskError } from '../../../src/shared/errors';
import type { ApprovalAction, ApprovalPolicy, RosterChange, RosterRole, RosterView } from '../../../src/shared/api/approvals';
import type { DeskApprovals } from '../../../src/main/approvals/desk-approvals';
import type { Envelope } from '../../../src/main/signing/envelope';
import { signerFromKey } from '../../../src/main/approvals/identity';
import type { Signer } from '../../../src/main/signing/signer';
import { generateKeyPair } from '../../../src/main/signing/keys';
import { DEFAULT_POLICY } from '../../../src/main/approvals/policy';
import { createDecision } from '../../../src/main/approvals/approval';
import { createRequest } from '../../../src/main/approvals/request';
import type { CheckpointRef } from '../../../src/main/audit/checkpoint';
import { Roster, signRosterVersion, verifyRosterVersion } from '../../../src/main/approvals/roster';
import { openRequest } from '../../../src/main/approvals/verify';

/** People, rosters, requests and decisions for the approval tests, built with the real signing code. */
export const T0 = new Date('2025-03-01T10:00:00.000Z');
export const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

export function person(name: string): Signer {
  const kp = generateKeyPair();
  return signerFromKey(name, kp.fingerprint, kp.publicKey, kp.privateKey);
}

export interface Team {
  admin: Signer;
  operator: Signer;
  it: Signer;
  it2: Signer;
  biz: Signer;
  viewer: Signer;
  finance: Signer;
  roster: Roster;
}

type Member = [Signer, RosterRole[], string | null];

export function rosterOf(admin: Signer, members: Member[], policy: ApprovalPolicy = DEFAULT_POLICY): Roster {
  const people = [admin, ...members.map((m) => m[0])].map((s, i) => {
    const m = i === 0 ? ([admin, ['admin'], null] as Member) : members[i - 1];
    return { name: s.name, publicKey: s.publicKey, fingerprint: s.fingerprint, roles: m[1], group: m[2] };
  });
  return verifyRosterVersion(null, signRosterVersion(null, { people, policy }, admin, T0));
}

export function team(): Team {
  const t = { admin: person('Ada Admin'), operator: person('Olu Operator'), it: person('Ivan IT'), it2: person('Ines IT'), biz: person('Bea Business'), viewer: person('Vic Viewer'), finance: person('Fay Finance') };
  const roster = rosterOf(t.admin, [
    [t.operator, ['operator', 'approver'], 'IT'],
    [t.it, ['approver'], 'IT'],
    [t.it2, ['approver'], 'IT'],
    [t.biz, ['approver'], 'business'],
    [t.viewer, ['viewer'], null],
    [t.finance, ['approver'], 'finance'],
  ]);
  return { ...t, roster };
}

export const CHECKPOINT: CheckpointRef = { logId: 'test-log-0001', count: 7, head: 'a'.repeat(64), time: T0.toISOString(), signer: 'SHA256:' + 'A'.repeat(43) };

export const PLAN = { runbook: 'dr-activation', title: 'Activate DR', steps: [{ n: 1, title: 'Fence DC primary', op: 'mongo.freeze', target: 'dc-1' }, { n: 2, title: 'Promote DR', op: 'mongo.stepUp', target: 'dr-1' }] };

export function makeRequest(t: Team, action: ApprovalAction = 'dr-activation', extra: { reason?: string; plan?: unknown; expiresInMinutes?: number; now?: Date; by?: Signer; roster?: Roster } = {}): Envelope {
  const roster = extra.roster ?? t.roster;
  return createRequest(
    { action, target: 'rs-main', reason: extra.reason ?? 'DC site lost power at 09:52; DR activation per runbook 4.', plan: extra.plan ?? PLAN, statusSnapshot: { dc: 'unreachable', dr: 'green' }, expiresInMinutes: extra.expiresInMinutes },
    { signer: extra.by ?? t.operator, roster, policy: roster.doc.policy, checkpoint: { ...CHECKPOINT, signer: (extra.by ?? t.operator).fingerprint }, now: extra.now ?? T0 },
  );
}

export function decide(request: Envelope, by: Signer, decision: 'approve' | 'deny' = 'approve', now: Date = minutes(5), comment = 'Checked the plan and both sites.'): Envelope {
  const opened = openRequest(request);
  return createDecision({ doc: opened.value, digest: opened.digest }, decision, comment, { signer: by, now, approverStatusDigest: null });
}

/**
 * How a team under the two-admin rule sets itself up after `admin.initRoster()`: `second` joins as the
 * second admin (co-signing the version that adds them, trusting `admin`'s fingerprint), with `roles`.
 */
export async function joinSecondAdmin(admin: DeskApprovals, second: DeskApprovals, roles: RosterRole[] = ['admin'], group: string | null = null): Promise<void> {
  const proposal = await admin.proposeRosterChange([{ op: 'add', enrollmentToken: (await second.exportEnrollmentToken()).token, roles, group }]);
  const signed = await second.cosignRosterChange(proposal.export.token, admin.getIdentity()?.fingerprint);
  await admin.applyRosterChange(signed.export.token);
}

/** A change `admin` proposes and `second` co-signs, applied on both; returns the resulting roster view. */
export async function cosigned(admin: DeskApprovals, second: DeskApprovals, changes: RosterChange[]): Promise<RosterView> {
  const proposal = await admin.proposeRosterChange(changes);
  if (!proposal.pending) return proposal.roster;
  const signed = await second.cosignRosterChange(proposal.export.token);
  return admin.applyRosterChange(signed.export.token);
}

/**
 * The smallest team the rule allows after `ops.initRoster()`: `it` joins as second admin and IT approver,
 * and both sign the version making `ops` an operator too.
 */
export async function operatorWithItAdmin(ops: DeskApprovals, it: DeskApprovals): Promise<RosterView> {
  await joinSecondAdmin(ops, it, ['approver', 'admin'], 'IT');
  return cosigned(ops, it, [{ op: 'update', fingerprint: ops.getIdentity()?.fingerprint ?? '', roles: ['operator', 'admin'] }]);
}

/** The DeskError a promise rejects with (failing the test when it resolves or throws something else). */
export async function refusalOf(p: Promise<unknown>): Promise<DeskError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeskError);
  return err as DeskError;
}

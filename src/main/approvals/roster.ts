import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import { APPROVAL_ACTIONS, ROSTER_ROLES, type ActionPolicy, type RosterChange, type RosterView } from '../../shared/api/approvals';
import { openEnvelope, seal, signedBy, type Envelope } from '../signing/envelope';
import { readEnrollmentToken } from './enrollment';
import type { Signer } from '../signing/signer';
import { fingerprintOf, isFingerprint, isPublicKey } from '../signing/keys';
import { GROUP, policyProblem, policySchema, requirementLabel } from './policy';

/**
 * The roster: who may request, approve and administer, with their public keys, and the approval policy.
 * Each version is a whole document signed by an admin of the version before it (version 1 by an admin
 * listed in itself), and names the digest of its predecessor, so the versions form a verifiable chain.
 */
const personSchema = z.strictObject({
  name: z.string().min(1).max(80),
  publicKey: z.string().refine(isPublicKey, 'a raw Ed25519 public key in base64'),
  fingerprint: z.string().refine(isFingerprint, 'a fingerprint "SHA256:…"'),
  roles: z.array(z.enum(ROSTER_ROLES)).min(1).max(4),
  group: z.string().regex(GROUP).nullable(),
  /**
   * The person this key belongs to, named by the fingerprint of one of their keys (absent: the key is its own
   * person). A person counts once — as approver, as admin signing a change — whatever number of keys they hold.
   */
  person: z.string().refine(isFingerprint, 'a person, named by a fingerprint "SHA256:…"').optional(),
});

export const rosterDocSchema = z.strictObject({
  type: z.literal('drdesk.roster'),
  version: z.number().int().min(1),
  previous: z.string().regex(/^sha256:[0-9a-f]{64}$/).nullable(),
  createdAt: z.iso.datetime(),
  signer: z.string().refine(isFingerprint),
  signerKey: z.string().refine(isPublicKey),
  people: z.array(personSchema).max(500),
  policy: policySchema,
  /**
   * How many admins (distinct persons) must sign a change that adds a key or an approver, moves a key, gives
   * a role, removes an admin or weakens a policy. Rosters made before this rule have none: one admin signs
   * anything until a version sets it, and once set it can never be dropped.
   */
  adminThreshold: z.number().int().min(1).max(10).optional(),
});
export type RosterDoc = z.infer<typeof rosterDocSchema>;

/** The admin threshold a roster starts with (roster init), and what verification expects of new rosters. */
export const DEFAULT_ADMIN_THRESHOLD = 2;

type Entry = RosterDoc['people'][number];

/** The person a key belongs to: its `person`, or itself. */
export function personOf(e: Pick<Entry, 'fingerprint' | 'person'>): string {
  return e.person ?? e.fingerprint;
}

/** Distinct persons holding the admin role. */
export function adminPersons(doc: Pick<RosterDoc, 'people'>): Set<string> {
  return new Set(doc.people.filter((p) => p.roles.includes('admin')).map(personOf));
}

export class Roster {
  private readonly byFp: Map<string, Entry>;

  constructor(
    readonly doc: RosterDoc,
    readonly digest: string,
  ) {
    this.byFp = new Map(doc.people.map((p) => [p.fingerprint, p]));
  }

  person(fingerprint: string): Entry | undefined {
    return this.byFp.get(fingerprint);
  }

  /** The person holding this key (null when the key is not in the roster). */
  personId(fingerprint: string): string | null {
    const e = this.byFp.get(fingerprint);
    return e ? personOf(e) : null;
  }

  /** Admin persons of this version whose key (any of them) signed `env`: each person counts once. */
  adminSigners(env: Envelope): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.doc.people) if (p.roles.includes('admin') && !out.has(personOf(p)) && signedBy(env, p.publicKey)) out.set(personOf(p), p.name);
    return out;
  }

  has(fingerprint: string, role: Entry['roles'][number]): boolean {
    return this.byFp.get(fingerprint)?.roles.includes(role) ?? false;
  }

  view(): RosterView {
    const signer = this.person(this.doc.signer);
    return {
      version: this.doc.version,
      digest: this.digest,
      createdAt: this.doc.createdAt,
      signedBy: { name: signer?.name ?? '(removed)', fingerprint: this.doc.signer },
      people: this.doc.people.map((p) => ({ ...p, roles: [...p.roles], person: personOf(p) })),
      policy: this.doc.policy,
      adminThreshold: this.doc.adminThreshold ?? null,
    };
  }
}

function invalid(message: string): DeskError {
  return new DeskError('ROSTER_INVALID', message);
}

/** Content rules every version must satisfy, whoever signed it. */
export function checkRosterContent(doc: RosterDoc): void {
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const p of doc.people) {
    if (fingerprintOf(Buffer.from(p.publicKey, 'base64')) !== p.fingerprint) throw invalid(`The fingerprint of "${p.name}" does not match their public key: enroll them again from their token.`);
    const lower = p.name.toLowerCase();
    if (names.has(lower)) throw invalid(`The name "${p.name}" appears twice: give each person one entry with a distinct name.`);
    if (keys.has(p.publicKey)) throw new DeskError('ROSTER_DUPLICATE_KEY', `The public key of "${p.name}" is already in the roster under another name: one key is one person.`);
    if (new Set(p.roles).size !== p.roles.length) throw invalid(`"${p.name}" has a role listed twice.`);
    if (p.roles.includes('approver') !== (p.group !== null))
      throw invalid(`"${p.name}": an approver needs a group (such as IT or business), and only approvers have one.`);
    names.add(lower);
    keys.add(p.publicKey);
  }
  const groupOfPerson = new Map<string, string>();
  for (const p of doc.people) {
    if (p.group === null) continue;
    const had = groupOfPerson.get(personOf(p));
    if (had !== undefined && had !== p.group)
      throw invalid(`"${p.name}" approves for ${p.group}, but another key of the same person approves for ${had}: one person approves for one group.`);
    groupOfPerson.set(personOf(p), p.group);
  }
  if (!doc.people.some((p) => p.roles.includes('admin'))) throw invalid('A roster needs at least one admin, or nobody could change it again.');
  const problem = policyProblem(doc.policy);
  if (problem) throw invalid(`The policy is refused: ${problem}.`);
}

/**
 * Verifies one version against the current roster (null for version 1) and returns it as a Roster.
 * Refusals: unsigned, bad signature, signer not an admin of the current roster, wrong version or predecessor.
 */
export function verifyRosterVersion(current: Roster | null, raw: unknown): Roster {
  const opened = openEnvelope(raw, 'roster', rosterDocSchema, 'roster change');
  const doc = opened.value;
  const env = raw as Envelope;
  if (env.signatures.length === 0) throw new DeskError('ROSTER_CHANGE_UNSIGNED', `Roster version ${doc.version} carries no signature: only a change signed by an admin is accepted.`);
  if (fingerprintOf(Buffer.from(doc.signerKey, 'base64')) !== doc.signer || !signedBy(env, doc.signerKey))
    throw new DeskError('ROSTER_CHANGE_SIGNATURE_INVALID', `Roster version ${doc.version}'s signature does not verify: it was altered after signing. Ask the admin to sign and send it again.`);
  const authority = current ?? new Roster(doc, opened.digest);
  const signer = authority.person(doc.signer);
  if (!signer || !signer.roles.includes('admin'))
    throw new DeskError(
      'ROSTER_CHANGE_NOT_ADMIN',
      `Roster version ${doc.version} is signed by ${signer ? `"${signer.name}"` : doc.signer}, who is not an admin in roster version ${current?.doc.version ?? doc.version}: an admin must sign roster changes.`,
      { signer: doc.signer },
    );
  if (current) {
    if (doc.version !== current.doc.version + 1 || doc.previous !== current.digest)
      throw new DeskError(
        'ROSTER_VERSION_MISMATCH',
        `Roster version ${doc.version} does not follow the roster here (version ${current.doc.version}): apply the versions in between first, or re-sign it against version ${current.doc.version}.`,
      );
  } else if (doc.version !== 1 || doc.previous !== null) {
    throw new DeskError('ROSTER_VERSION_MISMATCH', `This machine has no roster yet, and version ${doc.version} is not the first: import the whole roster (drdesk roster export on the admin's machine).`);
  }
  checkRosterContent(doc);
  if (current) checkAdminSignatures(current, doc, env);
  return new Roster(doc, opened.digest);
}

/** Why a change needs more than one admin; `fingerprint` is the key concerned, for the joining-admin rule. */
export interface ChangeNeed {
  kind: 'key-added' | 'role-added' | 'group-changed' | 'person-changed' | 'admin-removed' | 'policy-weakened' | 'threshold-lowered';
  fingerprint?: string;
  text: string;
}

/** A policy at least as strict as `old`: every set of approvers that satisfies it satisfies `old` too. */
function policyWeakening(old: ActionPolicy, next: ActionPolicy): string | null {
  if (next.maxExpiryMinutes > old.maxExpiryMinutes) return `lets requests stay open ${next.maxExpiryMinutes} minutes instead of ${old.maxExpiryMinutes}`;
  if (next.minReasonLength < old.minReasonLength) return `accepts reasons of ${next.minReasonLength} characters instead of ${old.minReasonLength}`;
  const total = (p: ActionPolicy) => p.requirements.reduce((n, r) => n + r.count, 0);
  const inGroup = (p: ActionPolicy, g: string) => p.requirements.filter((r) => r.group === g).reduce((n, r) => n + r.count, 0);
  const describe = (p: ActionPolicy) => p.requirements.map((r) => requirementLabel(r.group, r.count)).join(' and ');
  if (total(next) < total(old)) return `needs ${total(next)} approver${total(next) === 1 ? '' : 's'} instead of ${total(old)} (${describe(next)} instead of ${describe(old)})`;
  for (const g of new Set(old.requirements.map((r) => r.group).filter((x): x is string => x !== null)))
    if (inGroup(next, g) < inGroup(old, g)) return `no longer requires ${requirementLabel(g, inGroup(old, g))} (${describe(next)} instead of ${describe(old)})`;
  return null;
}

/**
 * What in the step from `old` to `next` takes more than one admin: every new key, a key moved to another
 * person or renamed (approvers read names), a role given, an approver's group changed, an admin removed, a weaker policy, a lower threshold.
 * Removing people or roles other than admin, and making a policy stricter, are what one admin may do alone
 * (revoking a lost key must not wait for a second person).
 */
export function changeNeeds(old: RosterDoc, next: RosterDoc): ChangeNeed[] {
  const out: ChangeNeed[] = [];
  const before = new Map(old.people.map((p) => [p.fingerprint, p]));
  const oldPersons = new Set(old.people.map(personOf));
  for (const p of next.people) {
    const was = before.get(p.fingerprint);
    if (!was) {
      const owner = oldPersons.has(personOf(p)) ? old.people.find((q) => personOf(q) === personOf(p)) : undefined;
      out.push({ kind: 'key-added', fingerprint: p.fingerprint, text: owner ? `it adds a key (${p.name}) to ${owner.name}, who is already in the roster` : `it adds ${p.name} (${p.roles.join(', ')}${p.group ? `, ${p.group}` : ''})` });
      continue;
    }
    if (personOf(was) !== personOf(p)) out.push({ kind: 'person-changed', fingerprint: p.fingerprint, text: `it moves ${p.name}'s key to another person` });
    if (was.name !== p.name) out.push({ kind: 'person-changed', fingerprint: p.fingerprint, text: `it renames ${was.name} to ${p.name}` });
    const gained = p.roles.filter((r) => !was.roles.includes(r));
    if (gained.length) out.push({ kind: 'role-added', fingerprint: p.fingerprint, text: `it makes ${p.name} ${gained.join(' and ')}` });
    else if (p.group !== was.group && p.group !== null) out.push({ kind: 'group-changed', fingerprint: p.fingerprint, text: `it moves ${p.name} to approver group ${p.group}` });
  }
  const adminsAfter = adminPersons(next);
  for (const id of adminPersons(old)) if (!adminsAfter.has(id)) out.push({ kind: 'admin-removed', text: `it removes ${old.people.find((q) => personOf(q) === id && q.roles.includes('admin'))?.name ?? id} as admin` });
  for (const action of APPROVAL_ACTIONS) {
    const why = policyWeakening(old.policy[action], next.policy[action]);
    if (why) out.push({ kind: 'policy-weakened', text: `it weakens the ${action} policy: it ${why}` });
  }
  const was = old.adminThreshold ?? 1;
  if ((next.adminThreshold ?? 1) < was) out.push({ kind: 'threshold-lowered', text: `it lowers the admins a change needs from ${was} to ${next.adminThreshold ?? 1}` });
  return out;
}

/**
 * The two-admin rule, counted once per person. A version whose change needs it (changeNeeds) must carry the
 * signatures of `adminThreshold` admins of the version before. The one exception is how a team starts:
 * while the roster has fewer admins than that (a fresh `roster init` has one), its admins may sign a version
 * that only adds new admins — new persons, each co-signing the version that adds them. From the version
 * where enough admins exist, the rule holds for every change, and no change may leave fewer admins.
 */
function checkAdminSignatures(current: Roster, doc: RosterDoc, env: Envelope): void {
  const threshold = current.doc.adminThreshold;
  if (threshold === undefined) return;
  if (doc.adminThreshold === undefined)
    throw invalid(`Roster version ${doc.version} drops the admin threshold of version ${current.doc.version}: once set, it stays (change it with set-admin-threshold, signed by ${threshold} admins).`);
  const signers = current.adminSigners(env);
  const needs = changeNeeds(current.doc, doc);
  const before = adminPersons(current.doc);
  const established = before.size >= threshold;
  if (needs.length && signers.size < threshold) {
    const oldPersons = new Set(current.doc.people.map(personOf));
    const joining = (n: ChangeNeed) => {
      const e = doc.people.find((p) => p.fingerprint === n.fingerprint);
      return n.kind === 'key-added' && e !== undefined && e.roles.includes('admin') && !oldPersons.has(personOf(e)) && signedBy(env, e.publicKey);
    };
    const isJoin = !established && signers.size === before.size && needs.every(joining);
    if (!isJoin) {
      const names = [...signers.values()];
      const bootstrap = established
        ? ''
        : ` While the roster has ${before.size} admin${before.size === 1 ? '' : 's'}, the only change its admins may sign alone is adding a new admin, who co-signs the version that adds them.`;
      throw new DeskError(
        'ROSTER_SECOND_ADMIN_REQUIRED',
        `Roster version ${doc.version} needs the signatures of ${threshold} admins (each person counts once, whatever number of keys they hold), and carries ${signers.size}${names.length ? ` (${names.join(', ')})` : ''}, because ${needs.map((n) => n.text).join('; ')}.${bootstrap} Send it to another admin to co-sign (drdesk roster cosign, or Roster page → Co-sign a change).`,
        { version: doc.version, needed: threshold, signedBy: names, reasons: needs.map((n) => n.text) },
      );
    }
  }
  if (established && adminPersons(doc).size < doc.adminThreshold)
    throw new DeskError(
      'ROSTER_ADMINS_BELOW_THRESHOLD',
      `Roster version ${doc.version} would leave ${adminPersons(doc).size} admin${adminPersons(doc).size === 1 ? '' : 's'}, fewer than the ${doc.adminThreshold} a change needs: nobody could change the roster again. Add an admin first, or lower the threshold with ${threshold} admins' signatures.`,
      { admins: adminPersons(doc).size, needed: doc.adminThreshold },
    );
}

/** Adds `signer`'s signature to a version's envelope (its content, hence its digest, is unchanged). */
export function cosignEnvelope(env: Envelope, signer: Signer): Envelope {
  if (signedBy(env, signer.publicKey)) throw new DeskError('ROSTER_ALREADY_SIGNED', `"${signer.name}" has already signed this roster version: send it to another admin.`);
  const bytes = Buffer.from(env.payload, 'base64');
  return { ...env, signatures: [...env.signatures, { keyid: signer.fingerprint, sig: signer.sign(env.payloadType, bytes) }] };
}

/** Verifies a chain from version 1; returns every version (the last is current). */
export function verifyRosterChain(chain: unknown[]): Roster[] {
  const out: Roster[] = [];
  for (const env of chain) out.push(verifyRosterVersion(out.at(-1) ?? null, env));
  return out;
}

function findPerson(people: Entry[], fingerprint: string): number {
  const i = people.findIndex((p) => p.fingerprint === fingerprint);
  if (i < 0) throw new DeskError('ROSTER_PERSON_UNKNOWN', `Nobody with fingerprint ${fingerprint} is in the roster: check the fingerprint (drdesk roster list).`);
  return i;
}

/** The next version's content after `changes`; the caller signs it. */
export type RosterContent = Pick<RosterDoc, 'people' | 'policy' | 'adminThreshold'>;

export function applyRosterChanges(base: RosterDoc | null, changes: RosterChange[], defaults: RosterDoc['policy']): RosterContent {
  const people = base ? base.people.map((p) => ({ ...p, roles: [...p.roles] })) : [];
  const policy = structuredClone(base?.policy ?? defaults);
  let adminThreshold = base?.adminThreshold;
  for (const c of changes) {
    if (c.op === 'add') {
      const e = readEnrollmentToken(c.enrollmentToken);
      const owner = c.person === undefined ? null : people[findPerson(people, c.person)];
      people.push({ name: e.name, publicKey: e.publicKey, fingerprint: e.fingerprint, roles: [...new Set(c.roles)], group: c.group ?? null, ...(owner ? { person: personOf(owner) } : {}) });
    } else if (c.op === 'set-admin-threshold') {
      adminThreshold = c.threshold;
    } else if (c.op === 'remove') {
      people.splice(findPerson(people, c.fingerprint), 1);
    } else if (c.op === 'update') {
      const p = people[findPerson(people, c.fingerprint)];
      if (c.roles) p.roles = [...new Set(c.roles)];
      if (c.group !== undefined) p.group = c.group;
    } else {
      policy[c.action] = structuredClone(c.policy);
    }
  }
  return { people, policy, ...(adminThreshold === undefined ? {} : { adminThreshold }) };
}

export function signRosterVersion(current: Roster | null, content: Pick<RosterDoc, 'people' | 'policy'> & Partial<Pick<RosterDoc, 'adminThreshold'>>, signer: Signer, now: Date): Envelope {
  const doc: RosterDoc = {
    type: 'drdesk.roster',
    version: (current?.doc.version ?? 0) + 1,
    previous: current?.digest ?? null,
    createdAt: now.toISOString(),
    signer: signer.fingerprint,
    signerKey: signer.publicKey,
    people: content.people,
    policy: content.policy,
    ...(content.adminThreshold === undefined ? {} : { adminThreshold: content.adminThreshold }),
  };
  checkRosterContent(doc);
  return seal('roster', doc, signer);
}

/** A roster change for the audit log: who was added (by name and fingerprint), never the raw token. */
export function describeRosterChange(c: RosterChange): Record<string, unknown> {
  if (c.op === 'add') {
    const e = readEnrollmentToken(c.enrollmentToken);
    return { op: c.op, name: e.name, fingerprint: e.fingerprint, roles: c.roles, group: c.group ?? null, ...(c.person ? { person: c.person } : {}) };
  }
  if (c.op === 'set-policy') return { op: c.op, action: c.action, policy: c.policy };
  // Options left out (an update's group) are absent, not undefined: audit details are plain JSON.
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

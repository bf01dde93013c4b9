import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import { ROSTER_ROLES, type RosterChange, type RosterPerson, type RosterView } from '../../shared/api/approvals';
import { openEnvelope, seal, signedBy, type Envelope } from './envelope';
import { readEnrollmentToken } from './enrollment';
import type { Signer } from './identity';
import { fingerprintOf, isFingerprint, isPublicKey } from './keys';
import { GROUP, policyProblem, policySchema } from './policy';

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
});
export type RosterDoc = z.infer<typeof rosterDocSchema>;

export class Roster {
  private readonly byFp: Map<string, RosterPerson>;

  constructor(
    readonly doc: RosterDoc,
    readonly digest: string,
  ) {
    this.byFp = new Map(doc.people.map((p) => [p.fingerprint, p]));
  }

  person(fingerprint: string): RosterPerson | undefined {
    return this.byFp.get(fingerprint);
  }

  has(fingerprint: string, role: RosterPerson['roles'][number]): boolean {
    return this.byFp.get(fingerprint)?.roles.includes(role) ?? false;
  }

  view(): RosterView {
    const signer = this.person(this.doc.signer);
    return {
      version: this.doc.version,
      digest: this.digest,
      createdAt: this.doc.createdAt,
      signedBy: { name: signer?.name ?? '(removed)', fingerprint: this.doc.signer },
      people: this.doc.people.map((p) => ({ ...p, roles: [...p.roles] })),
      policy: this.doc.policy,
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
  return new Roster(doc, opened.digest);
}

/** Verifies a chain from version 1; returns every version (the last is current). */
export function verifyRosterChain(chain: unknown[]): Roster[] {
  const out: Roster[] = [];
  for (const env of chain) out.push(verifyRosterVersion(out.at(-1) ?? null, env));
  return out;
}

function findPerson(people: RosterPerson[], fingerprint: string): number {
  const i = people.findIndex((p) => p.fingerprint === fingerprint);
  if (i < 0) throw new DeskError('ROSTER_PERSON_UNKNOWN', `Nobody with fingerprint ${fingerprint} is in the roster: check the fingerprint (drdesk roster list).`);
  return i;
}

/** The next version's content after `changes`; the caller signs it. */
export function applyRosterChanges(base: RosterDoc | null, changes: RosterChange[], defaults: RosterDoc['policy']): Pick<RosterDoc, 'people' | 'policy'> {
  const people = base ? base.people.map((p) => ({ ...p, roles: [...p.roles] })) : [];
  const policy = structuredClone(base?.policy ?? defaults);
  for (const c of changes) {
    if (c.op === 'add') {
      const e = readEnrollmentToken(c.enrollmentToken);
      people.push({ name: e.name, publicKey: e.publicKey, fingerprint: e.fingerprint, roles: [...new Set(c.roles)], group: c.group ?? null });
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
  return { people, policy };
}

export function signRosterVersion(current: Roster | null, content: Pick<RosterDoc, 'people' | 'policy'>, signer: Signer, now: Date): Envelope {
  const doc: RosterDoc = {
    type: 'drdesk.roster',
    version: (current?.doc.version ?? 0) + 1,
    previous: current?.digest ?? null,
    createdAt: now.toISOString(),
    signer: signer.fingerprint,
    signerKey: signer.publicKey,
    people: content.people,
    policy: content.policy,
  };
  checkRosterContent(doc);
  return seal('roster', doc, signer);
}

/** A roster change for the audit log: who was added (by name and fingerprint), never the raw token. */
export function describeRosterChange(c: RosterChange): Record<string, unknown> {
  if (c.op === 'add') {
    const e = readEnrollmentToken(c.enrollmentToken);
    return { op: c.op, name: e.name, fingerprint: e.fingerprint, roles: c.roles, group: c.group ?? null };
  }
  if (c.op === 'set-policy') return { op: c.op, action: c.action, policy: c.policy };
  return { ...c };
}

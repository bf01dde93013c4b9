import { DeskError } from '../../shared/errors';
import { APPROVAL_ACTIONS, type RosterChange, type RosterPending } from '../../shared/api/approvals';
import { canonicalize } from '../../shared/canonical-json';
import { openEnvelope, type Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import { DEFAULT_POLICY } from './policy';
import { applyRosterChanges, changeNeeds, cosignEnvelope, DEFAULT_ADMIN_THRESHOLD, Roster, rosterDocSchema, signRosterVersion, verifyRosterChain, verifyRosterVersion } from './roster';
import type { RosterSource } from './roster-source';
import type { ApprovalsStore } from './store';
import { PIN_PREFIX, type MachinePins, type PinValue } from '../signing/machine-pins';

const ANCHOR = 'roster.genesis';
/** The highest version (and its digest) this machine has seen, in SQLite; the keychain keeps a signed copy. */
const PIN = 'roster.pin';

/**
 * The keychain name of the roster pin: one per identity and roster (by its version 1), so two data
 * directories sharing one keychain, or two teams, do not mix.
 */
export function rosterPinName(owner: string, genesisDigest: string): string {
  return `${PIN_PREFIX.roster}${owner}.${genesisDigest.replace(/^sha256:/, '').slice(0, 16)}`;
}

/**
 * The roster on this machine: the chain in its RosterSource, verified on every read, and pinned to the
 * version 1 this machine first trusted (its digest is kept in SQLite), so a replaced roster file is caught.
 */
export class RosterBook {
  constructor(
    private readonly source: RosterSource,
    private readonly store: ApprovalsStore,
    private readonly pins?: MachinePins,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * TUF-style rollback protection: the roster must be at least the highest version this machine has seen
   * (remembered in SQLite and, signed, in the keychain — restoring an older database copy does not roll the
   * keychain back), and that version must have the digest seen then. Then the pins move up to the newest.
   */
  private async checkPins(versions: Roster[]): Promise<void> {
    const last = versions[versions.length - 1];
    const stored = this.store.meta(PIN);
    const sqlPin = stored ? (JSON.parse(stored) as PinValue) : null;
    const owner = this.pins ? await this.pins.owner() : null;
    const name = owner ? rosterPinName(owner, versions[0].digest) : null;
    const kcPin = this.pins && name ? await this.pins.get(name) : null;
    for (const [pin, where] of [
      [sqlPin, 'this machine\'s database'],
      [kcPin, 'this machine\'s keychain'],
    ] as const) {
      if (!pin) continue;
      if (last.doc.version < pin.version)
        throw new DeskError(
          'ROSTER_ROLLBACK',
          `The roster at ${this.source.location} is version ${last.doc.version}, but ${where} has seen version ${pin.version}: an older roster file was put back, which could bring back removed people or a weaker policy. Import the current roster from an admin (drdesk roster import).`,
          { fileVersion: last.doc.version, seenVersion: pin.version, seenDigest: pin.digest, where },
        );
      const same = versions.find((v) => v.doc.version === pin.version);
      if (same && same.digest !== pin.digest)
        throw new DeskError(
          'ROSTER_ROLLBACK',
          `Roster version ${pin.version} at ${this.source.location} is not the version ${pin.version} ${where} has seen (${pin.digest.slice(0, 19)}…): the roster was rewritten. Import the current roster from an admin.`,
          { fileVersion: last.doc.version, seenVersion: pin.version, seenDigest: pin.digest, where },
        );
    }
    const now: PinValue = { version: last.doc.version, digest: last.digest };
    if (!sqlPin || sqlPin.version < now.version) this.store.setMeta(PIN, JSON.stringify(now));
    if (this.pins && name && (!kcPin || kcPin.version < now.version)) await this.pins.set(name, now, this.now());
  }

  /** The highest roster version this machine has seen (SQLite copy), for display. */
  seen(): PinValue | null {
    const stored = this.store.meta(PIN);
    return stored ? (JSON.parse(stored) as PinValue) : null;
  }

  get location(): string {
    return this.source.location;
  }

  /** Every verified version, oldest first; [] when there is no roster yet. */
  async versions(): Promise<Roster[]> {
    const chain = await this.source.load();
    if (chain.length === 0) return [];
    const versions = verifyRosterChain(chain);
    const anchor = this.store.meta(ANCHOR);
    if (anchor === null)
      throw new DeskError('ROSTER_TRUST_REQUIRED', `The roster at ${this.source.location} was never trusted on this machine: import it with the admin's fingerprint (drdesk roster import FILE --trust-admin SHA256:…).`);
    if (versions[0].digest !== anchor)
      throw new DeskError('ROSTER_REPLACED', `The roster at ${this.source.location} does not descend from the roster this machine trusted: it was replaced. Restore it, or import the admin's roster again.`);
    await this.checkPins(versions);
    return versions;
  }

  async current(): Promise<Roster | null> {
    return (await this.versions()).at(-1) ?? null;
  }

  async require(): Promise<Roster> {
    const r = await this.current();
    if (!r) throw new DeskError('ROSTER_MISSING', 'There is no roster on this machine yet: import the team\'s roster from an admin (drdesk roster import), or start one (drdesk roster init).');
    return r;
  }

  async chain(): Promise<Envelope[]> {
    await this.versions();
    return this.source.load();
  }

  /**
   * Version 1, with `signer` as its only admin — no other role, nobody else — and the two-admin rule. A fresh
   * install starts here alone; the only change this admin can then sign alone is adding a second admin, who
   * co-signs it (cosign); from there every change that adds a key or an approver, gives a role, removes an
   * admin or weakens a policy needs two admins.
   */
  async init(signer: Signer, now: Date): Promise<Roster> {
    if ((await this.source.load()).length > 0)
      throw new DeskError('ROSTER_EXISTS', `A roster already exists at ${this.source.location}: change it with roster add/remove, signed by an admin.`);
    const people = [{ name: signer.name, publicKey: signer.publicKey, fingerprint: signer.fingerprint, roles: ['admin' as const], group: null }];
    const env = signRosterVersion(null, { people, policy: DEFAULT_POLICY, adminThreshold: DEFAULT_ADMIN_THRESHOLD }, signer, now);
    const roster = verifyRosterVersion(null, env);
    this.store.setMeta(ANCHOR, roster.digest);
    await this.source.save([env]);
    await this.versions();
    return roster;
  }

  /**
   * Signs the next version with `signer`, who must be an admin now; saves it when `apply` and it carries
   * enough admins' signatures. Otherwise it is returned as pending (with why), to be co-signed elsewhere.
   */
  async propose(signer: Signer, changes: RosterChange[], now: Date, apply: boolean): Promise<{ envelope: Envelope; roster: Roster; pending: RosterPending | null }> {
    const current = await this.require();
    if (!current.has(signer.fingerprint, 'admin'))
      throw new DeskError('ROSTER_CHANGE_NOT_ADMIN', `"${signer.name}" is not an admin in roster version ${current.doc.version}: ask an admin to make this change.`);
    const envelope = signRosterVersion(current, applyRosterChanges(current.doc, changes, DEFAULT_POLICY), signer, now);
    return this.settle(current, envelope, apply, []);
  }

  /**
   * Verifies a version against `current`: complete, it is saved when `apply` (after `before`, the chain this
   * machine did not have yet); short of admins' signatures, it comes back pending with the refusal's reasons.
   */
  private async settle(current: Roster, envelope: Envelope, apply: boolean, before: Envelope[]): Promise<{ envelope: Envelope; roster: Roster; pending: RosterPending | null }> {
    try {
      const roster = verifyRosterVersion(current, envelope);
      if (apply) {
        await this.source.save([...(await this.source.load()), ...before, envelope]);
        await this.versions();
      }
      return { envelope, roster, pending: null };
    } catch (err) {
      if (!(err instanceof DeskError) || err.code !== 'ROSTER_SECOND_ADMIN_REQUIRED') throw err;
      const d = err.details as { version: number; needed: number; signedBy: string[]; reasons: string[] };
      const doc = openEnvelope(envelope, 'roster', rosterDocSchema, 'roster change');
      if (before.length) await this.source.save([...(await this.source.load()), ...before]);
      return { envelope, roster: new Roster(doc.value, doc.digest), pending: { version: d.version, needed: d.needed, signedBy: d.signedBy, reasons: d.reasons } };
    }
  }

  /**
   * What the proposed version ending `incoming` changes, against this machine's roster (or, with none yet, the
   * chain that comes with it): for the person asked to co-sign, before anything is signed or saved.
   */
  async review(incoming: Envelope[]): Promise<{ proposal: Roster; current: Roster; changes: string[] }> {
    if (!incoming.length) throw new DeskError('BUNDLE_MALFORMED', 'The roster export holds no version to review: export it again on the proposing admin\'s machine.');
    const opened = openEnvelope(incoming[incoming.length - 1], 'roster', rosterDocSchema, 'roster change');
    const doc = opened.value;
    let current: Roster;
    if ((await this.source.load()).length) current = await this.require();
    else {
      const prior = incoming.slice(0, -1);
      if (!prior.length) throw new DeskError('ROSTER_MISSING', 'This machine has no roster yet, and the export holds only the proposed version: export the whole chain on the proposing admin\'s machine.');
      current = verifyRosterChain(prior).at(-1) as Roster;
    }
    if (doc.version !== current.doc.version + 1 || doc.previous !== current.digest)
      throw new DeskError('ROSTER_VERSION_MISMATCH', `The proposed roster version ${doc.version} does not follow this machine's version ${current.doc.version}: apply the versions in between first, or ask for it to be proposed again.`);
    const kept = new Set(doc.people.map((p) => p.fingerprint));
    const removed = current.doc.people.filter((p) => !kept.has(p.fingerprint)).map((p) => `it removes ${p.name}`);
    const needs = changeNeeds(current.doc, doc).map((n) => n.text);
    const stricter = APPROVAL_ACTIONS.filter((a) => canonicalize(current.doc.policy[a]) !== canonicalize(doc.policy[a]) && !needs.some((t) => t.includes(`the ${a} policy`))).map((a) => `it tightens the ${a} policy`);
    return { proposal: new Roster(doc, opened.digest), current, changes: [...needs, ...removed, ...stricter] };
  }

  /**
   * Adds `signer`'s signature to the proposed version that ends `incoming` (the chain before it may come
   * along, for a machine that has no roster yet). `signer` must be an admin of the version before it, or a
   * new admin the version adds (joining: then this machine's first roster is trusted by the proposing
   * admin's fingerprint, compared out of band, as on a first import). Saved here once complete.
   */
  async cosign(signer: Signer, incoming: Envelope[], trustAdminFingerprint?: string): Promise<{ envelope: Envelope; roster: Roster; pending: RosterPending | null }> {
    if (!incoming.length) throw new DeskError('BUNDLE_MALFORMED', 'The roster export holds no version to co-sign: export it again on the proposing admin\'s machine.');
    const proposal = incoming[incoming.length - 1];
    const doc = openEnvelope(proposal, 'roster', rosterDocSchema, 'roster change').value;
    const local = await this.source.load();
    let current: Roster;
    let before: Envelope[] = [];
    if (local.length === 0) {
      const prior = incoming.slice(0, -1);
      if (!prior.length) throw new DeskError('ROSTER_MISSING', 'This machine has no roster yet, and the export holds only the proposed version: export the whole chain on the proposing admin\'s machine.');
      const genesis = verifyRosterVersion(null, prior[0]);
      if (trustAdminFingerprint !== genesis.doc.signer)
        throw new DeskError(
          'ROSTER_TRUST_REQUIRED',
          `This machine has no roster yet. The roster was started by "${genesis.person(genesis.doc.signer)?.name}" with key ${genesis.doc.signer}: confirm that fingerprint with them (by phone or in person), then co-sign again trusting it.`,
          { adminFingerprint: genesis.doc.signer, adminName: genesis.person(genesis.doc.signer)?.name ?? null },
        );
      const chain = verifyRosterChain(prior);
      current = chain[chain.length - 1];
      this.store.setMeta(ANCHOR, chain[0].digest);
      before = prior;
    } else {
      current = await this.require();
      if (doc.version !== current.doc.version + 1 || doc.previous !== current.digest)
        throw new DeskError('ROSTER_VERSION_MISMATCH', `The proposed roster version ${doc.version} does not follow this machine's version ${current.doc.version}: apply the versions in between first (drdesk roster import), or ask for it to be proposed again.`);
    }
    const mine = doc.people.find((p) => p.fingerprint === signer.fingerprint);
    const joining = !current.person(signer.fingerprint) && mine?.roles.includes('admin');
    if (!current.has(signer.fingerprint, 'admin') && !joining)
      throw new DeskError('ROSTER_CHANGE_NOT_ADMIN', `"${signer.name}" is not an admin in roster version ${current.doc.version}, nor joining as one in version ${doc.version}: only admins co-sign roster changes.`);
    return this.settle(current, cosignEnvelope(proposal, signer), true, before);
  }

  /**
   * Applies versions received from elsewhere: one next version, or a whole chain. With no roster here, the
   * chain is accepted only if its version 1 was signed by `trustAdminFingerprint` (compared out of band).
   * Returns the versions that were new.
   */
  async apply(incoming: Envelope[], trustAdminFingerprint?: string): Promise<Roster[]> {
    const local = await this.source.load();
    const versions = local.length ? await this.versions() : [];
    const docs = incoming.map((e) => openEnvelope(e, 'roster', rosterDocSchema, 'roster change'));
    let fresh = incoming;
    if (local.length === 0) {
      // Throws for a chain that does not start at version 1.
      const genesis = verifyRosterVersion(null, incoming[0]);
      const admin = genesis.person(genesis.doc.signer);
      if (trustAdminFingerprint !== genesis.doc.signer)
        throw new DeskError(
          'ROSTER_TRUST_REQUIRED',
          `This machine has no roster yet. The roster was started by "${admin?.name}" with key ${genesis.doc.signer}: confirm that fingerprint with them (by phone or in person), then import again trusting it.`,
          { adminFingerprint: genesis.doc.signer, adminName: admin?.name ?? null },
        );
    } else {
      const known = new Map(versions.map((v) => [v.doc.version, v.digest]));
      fresh = incoming.filter((_, i) => {
        const have = known.get(docs[i].value.version);
        if (have !== undefined && have !== docs[i].digest)
          throw new DeskError('ROSTER_FORK', `Roster version ${docs[i].value.version} differs from this machine's version ${docs[i].value.version}: two admins changed the roster at once. Agree on one and re-sign the change.`);
        return have === undefined;
      });
    }
    const added: Roster[] = [];
    let current: Roster | null = versions.at(-1) ?? null;
    for (const env of fresh) {
      current = verifyRosterVersion(current, env);
      added.push(current);
    }
    if (local.length === 0 && added.length) this.store.setMeta(ANCHOR, added[0].digest);
    if (added.length) {
      await this.source.save([...local, ...fresh]);
      await this.versions();
    }
    return added;
  }
}

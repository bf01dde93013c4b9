import { DeskError } from '../../shared/errors';
import type { RosterChange } from '../../shared/api/approvals';
import { openEnvelope, type Envelope } from './envelope';
import type { Signer } from './identity';
import { DEFAULT_POLICY } from './policy';
import { applyRosterChanges, Roster, rosterDocSchema, signRosterVersion, verifyRosterChain, verifyRosterVersion } from './roster';
import type { RosterSource } from './roster-source';
import type { ApprovalsStore } from './store';
import { PIN_PREFIX, type MachinePins, type PinValue } from './machine-pins';

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

  /** Version 1, with `signer` as its first admin (and operator, so a one-person start can request). */
  async init(signer: Signer, now: Date): Promise<Roster> {
    if ((await this.source.load()).length > 0)
      throw new DeskError('ROSTER_EXISTS', `A roster already exists at ${this.source.location}: change it with roster add/remove, signed by an admin.`);
    const env = signRosterVersion(null, { people: [{ name: signer.name, publicKey: signer.publicKey, fingerprint: signer.fingerprint, roles: ['admin', 'operator'], group: null }], policy: DEFAULT_POLICY }, signer, now);
    const roster = verifyRosterVersion(null, env);
    this.store.setMeta(ANCHOR, roster.digest);
    await this.source.save([env]);
    await this.versions();
    return roster;
  }

  /** Signs the next version with `signer`, who must be an admin now; saves it when `apply`. */
  async propose(signer: Signer, changes: RosterChange[], now: Date, apply: boolean): Promise<{ envelope: Envelope; roster: Roster }> {
    const current = await this.require();
    if (!current.has(signer.fingerprint, 'admin'))
      throw new DeskError('ROSTER_CHANGE_NOT_ADMIN', `"${signer.name}" is not an admin in roster version ${current.doc.version}: ask an admin to make this change.`);
    const envelope = signRosterVersion(current, applyRosterChanges(current.doc, changes, DEFAULT_POLICY), signer, now);
    const roster = verifyRosterVersion(current, envelope);
    if (apply) {
      await this.source.save([...(await this.source.load()), envelope]);
      await this.versions();
    }
    return { envelope, roster };
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

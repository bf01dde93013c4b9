import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import type { SecretStore } from '../store/secret-store';
import { envelopeSchema, openEnvelope, seal, signedBy } from './envelope';
import type { Signer } from './signer';

/**
 * Small signed records kept in the OS keychain, outside the SQLite file: the highest roster version this
 * machine has seen (drdesk.roster-pin.<scope>) and the audit log's high-water mark (drdesk.audit-hwm.<scope>).
 * Restoring an older copy of the database, or replacing roster.json, does not roll these back; they are
 * signed by this machine's identity so that a record planted by another keychain user is told apart.
 */
export const PIN_PREFIX = { roster: 'drdesk.roster-pin.', audit: 'drdesk.audit-hwm.' } as const;

const pinDocSchema = z.strictObject({
  type: z.literal('drdesk.machine-pin'),
  name: z.string().min(1).max(100),
  version: z.number().int().nonnegative(),
  digest: z.string().min(1).max(200),
  time: z.string(),
  signer: z.string(),
  signerKey: z.string(),
  /** Request ids this machine ran (newest last, capped): the audit high-water mark remembers them. */
  executed: z.array(z.string().max(100)).max(1000).optional(),
});
export type PinDoc = z.infer<typeof pinDocSchema>;

export interface PinValue {
  /** Roster version, or audit entry count. */
  version: number;
  /** Roster version digest, or audit head hash. */
  digest: string;
  executed?: string[];
}

export class MachinePins {
  constructor(
    private readonly secrets: SecretStore,
    /**
     * This machine's signer, or null before it has an identity (then no keychain record is read or written).
     * Only a record signed by this key is believed: its private half is in the keychain, unlike a public key
     * someone could add to approvals_identity in SQLite.
     */
    private readonly signer: () => Promise<Signer | null>,
  ) {}

  /**
   * A short id of this machine's identity (16 hex), to scope record names: one OS keychain may serve several
   * data directories (colleagues sharing a login, or test instances), each with its own pins. Null without
   * an identity whose key is reachable.
   */
  async owner(): Promise<string | null> {
    const me = await this.signer();
    return me ? Buffer.from(me.fingerprint.replace(/^SHA256:/, ''), 'base64').toString('hex').slice(0, 16) : null;
  }

  /** The record, or null when there is none; PIN_INVALID when one is there but not signed by this machine. */
  async get(name: string): Promise<PinValue | null> {
    const me = await this.signer();
    if (!me) return null;
    let text: string | null;
    try {
      text = await this.secrets.get(name);
    } catch (err) {
      throw new DeskError('KEYCHAIN_UNAVAILABLE', `Cannot read ${name} from the keychain (${(err as Error).message}): unlock the keychain and try again.`);
    }
    if (text === null) return null;
    const invalid = () =>
      new DeskError('PIN_INVALID', `The keychain record ${name} is not signed by this machine's identity: someone else wrote it. Delete it only if you know why it is there, then run the command again.`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw invalid();
    }
    if (!envelopeSchema.safeParse(raw).success) throw invalid();
    let doc: PinDoc;
    try {
      doc = openEnvelope(raw, 'pin', pinDocSchema, 'keychain record').value;
    } catch {
      throw invalid();
    }
    if (doc.name !== name || doc.signerKey !== me.publicKey || !signedBy(raw as z.infer<typeof envelopeSchema>, me.publicKey)) throw invalid();
    return { version: doc.version, digest: doc.digest, ...(doc.executed ? { executed: doc.executed } : {}) };
  }

  /** Writes the record; false when there is no identity to sign it yet. */
  async set(name: string, value: PinValue, now: Date): Promise<boolean> {
    const signer = await this.signer();
    if (!signer) return false;
    const doc: PinDoc = { type: 'drdesk.machine-pin', name, version: value.version, digest: value.digest, time: now.toISOString(), signer: signer.fingerprint, signerKey: signer.publicKey, ...(value.executed ? { executed: value.executed.slice(-1000) } : {}) };
    await this.secrets.set(name, JSON.stringify(seal('pin', doc, signer)), 'other');
    return true;
  }
}

import type BetterSqlite3 from 'better-sqlite3';
import type { KeyObject } from 'node:crypto';
import { DeskError } from '../../shared/errors';
import type { IdentityInfo } from '../../shared/api/approvals';
import type { Signer } from '../signing/signer';
import type { SecretStore } from '../store/secret-store';
import { exportPrivateKey, fingerprintHex, generateKeyPair, importPrivateKey, signBytes } from '../signing/keys';

/** Signs on behalf of one identity. The private key stays inside; callers get signatures only. */
export function signerFromKey(name: string, fingerprint: string, publicKey: string, privateKey: KeyObject): Signer {
  return { name, fingerprint, publicKey, sign: (type, payload) => signBytes(privateKey, type, payload) };
}

/** The keychain entry of an identity's private key: its fingerprint in hex, within the secret-name rules. */
export function identitySecretName(fingerprint: string): string {
  return `identity.${Buffer.from(fingerprint.replace(/^SHA256:/, ''), 'base64').toString('hex').slice(0, 40)}`;
}

const NAME = /^[^\p{Cc}]{1,80}$/u;
export function assertPersonName(name: string): void {
  if (!NAME.test(name) || name.trim() !== name || name.length === 0)
    throw new DeskError('BAD_INPUT', 'A person\'s name is 1-80 printable characters without leading or trailing spaces, e.g. "Ana Silva (IT)".', { field: 'name' });
}

interface IdentityRow {
  fingerprint: string;
  name: string;
  public_key: string;
  secret_name: string;
  created_at: string;
}

/**
 * This workstation's identity: public half in SQLite, private half only in the OS keychain (SecretStore).
 * One identity per data directory — one person per workstation profile.
 */
export class IdentityStore {
  private cached: Signer | null = null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly secrets: SecretStore,
    private readonly now: () => Date,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS approvals_identity (
      fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE,
      secret_name TEXT NOT NULL, created_at TEXT NOT NULL)`);
  }

  private row(): IdentityRow | undefined {
    return this.db.prepare('SELECT * FROM approvals_identity ORDER BY created_at LIMIT 1').get() as IdentityRow | undefined;
  }

  get(): IdentityInfo | null {
    const r = this.row();
    return r ? this.info(r) : null;
  }

  private info(r: IdentityRow): IdentityInfo {
    return { name: r.name, fingerprint: r.fingerprint, fingerprintHex: fingerprintHex(r.fingerprint), publicKey: r.public_key, createdAt: r.created_at, keyStorage: this.secrets.backend };
  }

  /** All public keys this data directory has ever signed with (for verifying its own audit log). */
  publicKeys(): Map<string, string> {
    const rows = this.db.prepare('SELECT fingerprint, public_key FROM approvals_identity').all() as IdentityRow[];
    return new Map(rows.map((r) => [r.fingerprint, r.public_key]));
  }

  /**
   * The public keys of this data directory's identities whose private key is in the keychain: a row added
   * to approvals_identity by someone editing the SQLite file has no key there and is not trusted.
   */
  async keysInKeychain(): Promise<Map<string, string>> {
    const rows = this.db.prepare('SELECT fingerprint, public_key, secret_name FROM approvals_identity').all() as IdentityRow[];
    const out = new Map<string, string>();
    for (const r of rows) {
      const secret = await this.secrets.get(r.secret_name).catch(() => null);
      if (secret === null) continue;
      try {
        importPrivateKey(secret, r.public_key);
        out.set(r.fingerprint, r.public_key);
      } catch {
        // A keychain value that is not this public key's private half proves nothing.
      }
    }
    return out;
  }

  async create(name: string): Promise<IdentityInfo> {
    assertPersonName(name);
    const existing = this.row();
    if (existing)
      throw new DeskError('IDENTITY_EXISTS', `This data directory already has the identity "${existing.name}" (${existing.fingerprint}): use it, or use another --data-dir for another person.`);
    const pair = generateKeyPair();
    const secretName = identitySecretName(pair.fingerprint);
    await this.secrets.set(secretName, exportPrivateKey(pair.privateKey), 'other');
    // Read it back: an identity whose key cannot be read from the keychain must not be recorded.
    const stored = await this.secrets.get(secretName);
    if (stored === null) throw new DeskError('KEYCHAIN_READBACK_FAILED', `The keychain (${this.secrets.backend}) accepted the private key but returned nothing: check that it is unlocked and persistent.`);
    importPrivateKey(stored, pair.publicKey);
    const row: IdentityRow = { fingerprint: pair.fingerprint, name, public_key: pair.publicKey, secret_name: secretName, created_at: this.now().toISOString() };
    this.db.prepare('INSERT INTO approvals_identity VALUES (@fingerprint, @name, @public_key, @secret_name, @created_at)').run(row);
    this.cached = signerFromKey(name, pair.fingerprint, pair.publicKey, pair.privateKey);
    return this.info(row);
  }

  /** The signer of this identity, loading the private key from the keychain once per process. */
  async signer(): Promise<Signer> {
    if (this.cached) return this.cached;
    const r = this.row();
    if (!r) throw new DeskError('IDENTITY_REQUIRED', 'This workstation has no identity yet: create one (drdesk identity create --name "Your Name") and have an admin enroll it.');
    const secret = await this.secrets.get(r.secret_name);
    if (secret === null)
      throw new DeskError('IDENTITY_KEY_MISSING', `The private key of "${r.name}" (${r.fingerprint}) is not in the keychain (${this.secrets.backend}): unlock the keychain, or restore it, or create a new identity.`);
    this.cached = signerFromKey(r.name, r.fingerprint, r.public_key, importPrivateKey(secret, r.public_key));
    return this.cached;
  }
}

import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { DeskError } from '../../shared/errors';

/**
 * SSH host keys are pinned before first use, never on it: a host is trusted only when its OpenSSH SHA256
 * fingerprint is in the topology (hostKeySha256) or was confirmed by an operator (`drdesk backup trust-host`,
 * or the Credentials page) and stored here in SQLite. An unknown host is refused before authentication (no
 * password or key is sent) with the fingerprint it offered; a changed key is refused with both fingerprints.
 */
export interface PinnedHostKey {
  hostPort: string;
  fingerprint: string;
  keyType: string;
  pinnedAt: string;
}

/** The fingerprint OpenSSH prints (`ssh-keygen -lf`): SHA256 of the key blob, base64 without padding. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name at the start of an SSH public key blob ("ssh-ed25519", "ecdsa-sha2-nistp256"…). */
export function sshKeyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyVerdict =
  /** The topology's fingerprint matched and was recorded here for the first time. */
  | { kind: 'pinned-now'; pin: PinnedHostKey }
  | { kind: 'match'; pin: PinnedHostKey }
  | { kind: 'changed'; pin: Pick<PinnedHostKey, 'hostPort' | 'fingerprint'>; offered: string }
  | { kind: 'unpinned'; hostPort: string; offered: string; keyType: string };

export class HostKeyPins {
  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS ssh_host_keys (
      host_port TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      key_type TEXT NOT NULL,
      pinned_at TEXT NOT NULL
    )`);
  }

  get(hostPort: string): PinnedHostKey | null {
    const row = this.db.prepare('SELECT host_port, fingerprint, key_type, pinned_at FROM ssh_host_keys WHERE host_port = ?').get(hostPort) as
      | { host_port: string; fingerprint: string; key_type: string; pinned_at: string }
      | undefined;
    return row ? { hostPort: row.host_port, fingerprint: row.fingerprint, keyType: row.key_type, pinnedAt: row.pinned_at } : null;
  }

  list(): PinnedHostKey[] {
    const rows = this.db.prepare('SELECT host_port, fingerprint, key_type, pinned_at FROM ssh_host_keys ORDER BY host_port').all() as Array<{
      host_port: string;
      fingerprint: string;
      key_type: string;
      pinned_at: string;
    }>;
    return rows.map((r) => ({ hostPort: r.host_port, fingerprint: r.fingerprint, keyType: r.key_type, pinnedAt: r.pinned_at }));
  }

  /**
   * Checks an offered key. `expected` is the topology's hostKeySha256: when given it is authoritative (a
   * stored pin that disagrees is stale and replaced once the offered key matches it). Never pins an unknown key.
   */
  check(hostPort: string, keyBlob: Buffer, expected?: string): HostKeyVerdict {
    const offered = sshFingerprint(keyBlob);
    const pin = this.get(hostPort);
    if (expected) {
      if (offered !== expected) return { kind: 'changed', pin: { hostPort, fingerprint: expected }, offered };
      if (pin?.fingerprint === offered) return { kind: 'match', pin };
      return { kind: 'pinned-now', pin: this.pin(hostPort, offered, sshKeyType(keyBlob)) };
    }
    if (!pin) return { kind: 'unpinned', hostPort, offered, keyType: sshKeyType(keyBlob) };
    if (pin.fingerprint === offered) return { kind: 'match', pin };
    return { kind: 'changed', pin, offered };
  }

  /** Explicit re-trust after an operator compared the new fingerprint out of band. */
  pin(hostPort: string, fingerprint: string, keyType = 'unknown'): PinnedHostKey {
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint))
      throw new DeskError('SSH_FINGERPRINT_INVALID', `"${fingerprint}" is not an OpenSSH SHA256 fingerprint: copy it as "SHA256:" followed by 43 base64 characters.`);
    const pinnedAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO ssh_host_keys (host_port, fingerprint, key_type, pinned_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(host_port) DO UPDATE SET fingerprint = excluded.fingerprint, key_type = excluded.key_type, pinned_at = excluded.pinned_at`,
      )
      .run(hostPort, fingerprint, keyType, pinnedAt);
    return { hostPort, fingerprint, keyType, pinnedAt };
  }

  forget(hostPort: string): boolean {
    return this.db.prepare('DELETE FROM ssh_host_keys WHERE host_port = ?').run(hostPort).changes > 0;
  }
}

export function hostKeyChangedError(hostPort: string, pinned: string, offered: string): DeskError {
  return new DeskError(
    'SSH_HOST_KEY_CHANGED',
    `The SSH host key of ${hostPort} has changed: pinned ${pinned}, now offered ${offered}. The connection was refused. ` +
      `If the server was re-keyed on purpose, confirm the new fingerprint with its administrator and trust it ` +
      `(drdesk backup trust-host ${hostPort} ${offered}); otherwise someone may be intercepting the connection.`,
    { hostPort, pinnedFingerprint: pinned, offeredFingerprint: offered },
  );
}

export function hostUnpinnedError(hostPort: string, offered: string, keyType: string): DeskError {
  return new DeskError(
    'SSH_HOST_UNPINNED',
    `The SSH host ${hostPort} is not trusted yet: it offered the ${keyType} key ${offered}. Nothing was sent to it. ` +
      `Compare this fingerprint with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-/, '')}_key.pub on that host), ` +
      `then pin it with "drdesk backup trust-host ${hostPort} ${offered}", the Credentials page, or hostKeySha256 in the topology.`,
    { hostPort, offeredFingerprint: offered, keyType },
  );
}

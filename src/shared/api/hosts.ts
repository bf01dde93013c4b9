/**
 * SSH host keys as the person at the desk confirms them (Credentials page): each SSH host of the topology with
 * its pin, the key a host offers when asked (no credential is sent), and a pin made only for the fingerprint
 * the person confirmed.
 */
export interface SshHostTrust {
  site: string;
  name: string;
  hostPort: string;
  /** The topology's hostKeySha256, which wins over a pin; null when the topology gives none. */
  topologyFingerprint: string | null;
  pinned: { fingerprint: string; keyType: string; pinnedAt: string } | null;
}

export interface HostTrustMethods {
  listSshHosts: { in: void; out: SshHostTrust[] };
  /** Asks a topology SSH host for its key (key exchange only, no user name or credential) and shows it. */
  probeSshHost: { in: { hostPort: string }; out: { hostPort: string; fingerprint: string; keyType: string } };
  /** Pins the host's key if it still offers the fingerprint the person confirmed (SSH_FINGERPRINT_MISMATCH otherwise). */
  pinSshHost: { in: { hostPort: string; fingerprint: string }; out: SshHostTrust };
}

import type { SecretInfo } from '../../../shared/monitor';
import type { Topology } from '../../../shared/topology';

export interface SecretRef {
  name: string;
  kind: SecretInfo['kind'];
  /** Where the topology uses it, e.g. "DC / rs-dc password". */
  usedBy: string;
}

/** The secrets the topology refers to by name, so the page can say which ones are still missing. */
export function secretRefs(topology: Topology): SecretRef[] {
  const refs: SecretRef[] = [];
  for (const site of topology.sites) {
    for (const rs of site.replicaSets) {
      if (rs.auth) refs.push({ name: rs.auth.passwordSecret, kind: 'password', usedBy: `${site.name} / ${rs.name} database password` });
    }
    for (const h of site.ssh) {
      if (h.keySecret) refs.push({ name: h.keySecret, kind: 'ssh-key', usedBy: `${site.name} / ${h.name} SSH key` });
      if (h.passwordSecret) refs.push({ name: h.passwordSecret, kind: 'password', usedBy: `${site.name} / ${h.name} SSH password` });
      if (h.passphraseSecret) refs.push({ name: h.passphraseSecret, kind: 'passphrase', usedBy: `${site.name} / ${h.name} SSH key passphrase` });
    }
  }
  return refs;
}

/** Names DR Desk keeps for itself (signing keys, bookkeeping): never set, listed or deleted here. */
export function isReservedSecretName(name: string): boolean {
  return /^(identity|drdesk)\./i.test(name.trim());
}

/**
 * Which keychain holds the secrets, as the person would call it. The desktop app and the web host use the
 * same OS keychain entries as the CLI and the agent.
 */
export function secretBackendLabel(_host: 'electron' | 'web', platform: string): string {
  if (/mac/i.test(platform)) return 'macOS Keychain';
  if (/win/i.test(platform)) return 'Windows Credential Manager';
  return 'Secret Service';
}

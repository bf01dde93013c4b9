import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import type { SecretInfo } from '../../shared/monitor';

/** The same rule the topology file uses for secret references. */
export const SECRET_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const SECRET_KINDS = ['password', 'ssh-key', 'passphrase', 'other'] as const;

/**
 * Keychain names are one flat namespace, so the engine's own records live under reserved prefixes that no
 * user-facing path can name: a person's Ed25519 signing key (`identity.<hex>`) and DR Desk's bookkeeping
 * (`drdesk.*`: audit high-water marks, roster pins). Without this a topology could name the signing key as
 * an SSH password and send it to whatever server answers.
 */
export const RESERVED_SECRET_PREFIXES = { identity: 'identity.', system: 'drdesk.' } as const;

/** What a secret is used for. The first four are operator credentials; the last two are engine-only. */
export type SecretPurpose = 'db-password' | 'ssh-password' | 'ssh-key' | 'ssh-passphrase' | 'identity' | 'system';

/**
 * Stored kinds each operator purpose accepts ("other" is what older versions stored for anything). What is
 * sent to a server (a password) never accepts a stored key or passphrase; what stays local (a key, which
 * ssh2 parses here, and its passphrase) tolerates "password", the CLI's default kind.
 */
const PURPOSE_KINDS: Record<Exclude<SecretPurpose, 'identity' | 'system'>, ReadonlyArray<SecretInfo['kind']>> = {
  'db-password': ['password', 'other'],
  'ssh-password': ['password', 'other'],
  'ssh-key': ['ssh-key', 'password', 'other'],
  'ssh-passphrase': ['passphrase', 'password', 'other'],
};

export function isReservedSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return Object.values(RESERVED_SECRET_PREFIXES).some((p) => lower.startsWith(p));
}

export function reservedSecretMessage(name: string): string {
  return `"${name}" is a reserved keychain name (names starting with "identity." or "drdesk." hold DR Desk's own signing keys and records): choose another name for a credential`;
}

function nameable(name: string): boolean {
  return SECRET_NAME.test(name) && !isReservedSecretName(name);
}

/** A name an operator may set, delete or reference: well-formed and outside the reserved prefixes. */
export const secretNameSchema = z
  .string()
  .regex(SECRET_NAME, 'a secret name: 1-64 letters, digits, ".", "_" or "-"')
  .refine((n) => !isReservedSecretName(n), { message: 'a reserved name (identity.* and drdesk.* belong to DR Desk itself): choose another name' });
export const secretKindSchema = z.enum(SECRET_KINDS, `one of ${SECRET_KINDS.join(', ')}`);

/** Well-formed, any namespace: the stores' own check (the engine writes reserved names through them). */
export function assertSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new DeskError('BAD_INPUT', `"${name}" is not a valid secret name: use 1-64 letters, digits, ".", "_" or "-"`, { field: 'name' });
}

/** For every user-facing entry point (CLI, Credentials page, topology): refuses the reserved namespaces. */
export function assertNameableSecret(name: string, field = 'name'): void {
  assertSecretName(name);
  if (!nameable(name)) throw new DeskError('SECRET_NAME_RESERVED', reservedSecretMessage(name), { field, name });
}

/** A checked reference to one secret for one purpose; building it is where the namespace rule is enforced. */
export interface SecretRef {
  readonly purpose: SecretPurpose;
  readonly name: string;
}

export function secretRef(purpose: SecretPurpose, name: string, field = 'name'): SecretRef {
  assertSecretName(name);
  if (purpose === 'identity' || purpose === 'system') {
    const prefix = RESERVED_SECRET_PREFIXES[purpose];
    if (!name.startsWith(prefix))
      throw new DeskError('SECRET_PURPOSE_MISMATCH', `"${name}" cannot hold a ${purpose} record: those names start with "${prefix}"`, { field, name, purpose });
  } else if (isReservedSecretName(name)) {
    throw new DeskError('SECRET_NAME_RESERVED', reservedSecretMessage(name), { field, name, purpose });
  }
  return { purpose, name };
}

/** Whether a secret stored with `kind` may be used for `purpose` (a stored SSH key is never sent as a password). */
export function kindFitsPurpose(kind: SecretInfo['kind'], purpose: SecretPurpose): boolean {
  if (purpose === 'identity' || purpose === 'system') return true;
  return PURPOSE_KINDS[purpose].includes(kind);
}

export function purposeLabel(purpose: SecretPurpose): string {
  switch (purpose) {
    case 'db-password':
      return 'database password';
    case 'ssh-password':
      return 'SSH password';
    case 'ssh-key':
      return 'SSH private key';
    case 'ssh-passphrase':
      return 'SSH key passphrase';
    case 'identity':
      return 'signing key';
    default:
      return 'DR Desk record';
  }
}

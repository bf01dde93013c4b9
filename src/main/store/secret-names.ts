import { z } from 'zod';
import { DeskError } from '../../shared/errors';

/** The same rule the topology file uses for secret references. */
export const SECRET_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const SECRET_KINDS = ['password', 'ssh-key', 'passphrase', 'other'] as const;

export const secretNameSchema = z.string().regex(SECRET_NAME, 'a secret name: 1-64 letters, digits, ".", "_" or "-"');
export const secretKindSchema = z.enum(SECRET_KINDS, `one of ${SECRET_KINDS.join(', ')}`);

export function assertSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new DeskError('BAD_INPUT', `"${name}" is not a valid secret name: use 1-64 letters, digits, ".", "_" or "-"`, { field: 'name' });
}

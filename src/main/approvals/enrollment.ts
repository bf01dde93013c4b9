import { z } from 'zod';
import { canonicalBytes, isCanonical } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import type { Signer } from '../signing/signer';
import { fingerprintOf, isPublicKey, verifyBytes } from '../signing/keys';
import { PAYLOAD_TYPES } from '../signing/envelope';

/**
 * Enrollment token: "drdesk-enroll1.<payload>.<signature>", both base64url. The payload names the person
 * and their public key; the signature by that very key is the checksum (one changed character is caught)
 * and proves the sender holds the private key. The admin still compares the fingerprint out of band.
 */
export const ENROLLMENT_PREFIX = 'drdesk-enroll1.';

// No "type" field: the signature's PAE already binds the enrollment payload type, and the token stays short.
const payloadSchema = z.strictObject({
  name: z.string().min(1).max(80),
  publicKey: z.string().refine(isPublicKey, 'a raw Ed25519 public key in base64'),
  createdAt: z.iso.datetime(),
});

export interface Enrollment {
  name: string;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
}

export function createEnrollmentToken(signer: Signer, now: Date): string {
  const bytes = canonicalBytes({ name: signer.name, publicKey: signer.publicKey, createdAt: now.toISOString() });
  const sig = Buffer.from(signer.sign(PAYLOAD_TYPES.enrollment, bytes), 'base64');
  return `${ENROLLMENT_PREFIX}${Buffer.from(bytes).toString('base64url')}.${sig.toString('base64url')}`;
}

export function readEnrollmentToken(token: string): Enrollment {
  const t = token.trim();
  const malformed = () =>
    new DeskError('ENROLLMENT_TOKEN_MALFORMED', 'This is not a complete DR Desk enrollment token (it starts with "drdesk-enroll1."): ask the person to export it again and paste all of it.');
  if (!t.startsWith(ENROLLMENT_PREFIX)) throw malformed();
  const parts = t.slice(ENROLLMENT_PREFIX.length).split('.');
  if (parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) throw malformed();
  const bytes = Buffer.from(parts[0], 'base64url');
  const sig = Buffer.from(parts[1], 'base64url');
  // Re-encoding must give the same text: a changed padding bit would otherwise slip through base64.
  if (bytes.toString('base64url') !== parts[0] || sig.toString('base64url') !== parts[1])
    throw new DeskError('ENROLLMENT_TOKEN_CORRUPT', 'The enrollment token was changed in transit (it does not decode cleanly): ask the person to send it again.');
  const text = bytes.toString('utf8');
  let parsed: z.infer<typeof payloadSchema>;
  try {
    if (!isCanonical(text)) throw malformed();
    parsed = payloadSchema.parse(JSON.parse(text));
  } catch {
    throw new DeskError('ENROLLMENT_TOKEN_CORRUPT', 'The enrollment token was changed or cut in transit (its content does not decode): ask the person to send it again.');
  }
  if (!verifyBytes(parsed.publicKey, PAYLOAD_TYPES.enrollment, bytes, sig.toString('base64')))
    throw new DeskError('ENROLLMENT_TOKEN_CORRUPT', 'The enrollment token\'s signature does not match its content: it was changed in transit. Ask the person to send it again.');
  return { name: parsed.name, publicKey: parsed.publicKey, createdAt: parsed.createdAt, fingerprint: fingerprintOf(Buffer.from(parsed.publicKey, 'base64')) };
}

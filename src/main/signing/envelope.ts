import { z } from 'zod';
import { canonicalBytes, isCanonical } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import { digestOf, verifyBytes } from './keys';
import type { Signer } from './signer';

/**
 * DSSE-style envelopes: the payload travels as the exact bytes that were signed (canonical JSON, base64),
 * so what is verified is byte for byte what was signed — never a re-serialization of it. Key ids are
 * hints only; a signature counts for the public key it verifies under, which the payload itself names.
 */
export const PAYLOAD_TYPES = {
  request: 'application/vnd.drdesk.request+json',
  decision: 'application/vnd.drdesk.decision+json',
  roster: 'application/vnd.drdesk.roster+json',
  enrollment: 'application/vnd.drdesk.enrollment+json',
  checkpoint: 'application/vnd.drdesk.audit-checkpoint+json',
  pin: 'application/vnd.drdesk.machine-pin+json',
} as const;
export type PayloadKind = keyof typeof PAYLOAD_TYPES;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const envelopeSchema = z.strictObject({
  payloadType: z.string().min(1),
  payload: base64,
  signatures: z.array(z.strictObject({ keyid: z.string().max(200), sig: base64 })).max(16),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export interface Opened<T> {
  value: T;
  bytes: Buffer;
  /** sha256 of the payload bytes: the document's identity wherever it is referred to. */
  digest: string;
}

export function seal(kind: PayloadKind, value: unknown, signer: Signer): Envelope {
  const bytes = canonicalBytes(value);
  const payloadType = PAYLOAD_TYPES[kind];
  return { payloadType, payload: Buffer.from(bytes).toString('base64'), signatures: [{ keyid: signer.fingerprint, sig: signer.sign(payloadType, bytes) }] };
}

/**
 * Decodes an envelope's payload and checks its shape. Refuses a payload of another kind, bytes that are not
 * canonical JSON (two spellings of one document must not exist), and fields the schema does not know.
 */
export function openEnvelope<S extends z.ZodType>(raw: unknown, kind: PayloadKind, schema: S, label: string): Opened<z.infer<S>> {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) throw new DeskError('ENVELOPE_MALFORMED', `The ${label} is not a DR Desk signed envelope: export it again from the sending machine.`);
  if (env.data.payloadType !== PAYLOAD_TYPES[kind])
    throw new DeskError('ENVELOPE_WRONG_TYPE', `This is a ${env.data.payloadType}, not a ${label}: import it where that kind of document belongs.`);
  const bytes = Buffer.from(env.data.payload, 'base64');
  const text = bytes.toString('utf8');
  if (!isCanonical(text) || Buffer.from(text, 'utf8').toString('base64') !== env.data.payload)
    throw new DeskError('PAYLOAD_NOT_CANONICAL', `The ${label}'s signed content is not canonical JSON: it was altered or not made by DR Desk.`);
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeskError('PAYLOAD_INVALID', `The ${label} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`, { issues: parsed.error.issues });
  }
  return { value: parsed.data, bytes, digest: digestOf(bytes) };
}

/** Whether any signature on the envelope verifies under `publicKey` (key ids are not trusted). */
export function signedBy(env: Envelope, publicKey: string): boolean {
  const bytes = Buffer.from(env.payload, 'base64');
  return env.signatures.some((s) => {
    try {
      return verifyBytes(publicKey, env.payloadType, bytes, s.sig);
    } catch {
      return false;
    }
  });
}

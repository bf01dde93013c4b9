import { z } from 'zod';
import { DeskError } from '../../shared/errors';
import { seal, type Envelope } from '../signing/envelope';
import type { Signer } from '../signing/signer';
import { isFingerprint, isPublicKey } from '../signing/keys';
import { newNonce, nonceSchema, SHA256_DIGEST, type RequestDoc } from './request';
import { checkpointRefSchema } from '../audit/checkpoint';

/**
 * An approval or a denial: the approver's signature over the request's digest and over the requester's
 * audit checkpoint the request carries — so the approver's machine co-signs the state of the operator's
 * log — with a comment and the digest of the status the approver saw.
 */
export const decisionDocSchema = z.strictObject({
  type: z.literal('drdesk.decision'),
  decision: z.enum(['approve', 'deny']),
  requestId: z.string().regex(/^req_[A-Za-z0-9_-]{20}$/),
  requestDigest: z.string().regex(SHA256_DIGEST),
  /** The requester's audit checkpoint from the request: the approver co-signs that log state. */
  checkpoint: checkpointRefSchema,
  comment: z.string().max(4000),
  createdAt: z.iso.datetime(),
  nonce: nonceSchema,
  approver: z.string().refine(isFingerprint),
  approverKey: z.string().refine(isPublicKey),
  /** Digest of the status the approver saw when deciding, or null when none was available. */
  approverStatusDigest: z.string().regex(SHA256_DIGEST).nullable(),
});
export type DecisionDoc = z.infer<typeof decisionDocSchema>;

export function createDecision(
  request: { doc: RequestDoc; digest: string },
  decision: 'approve' | 'deny',
  comment: string,
  opts: { signer: Signer; now: Date; approverStatusDigest: string | null },
): Envelope {
  const text = comment.trim();
  if (decision === 'deny' && text.length === 0) throw new DeskError('DENY_COMMENT_REQUIRED', 'Say why you deny the request: the requester needs to know what to change.');
  const doc: DecisionDoc = {
    type: 'drdesk.decision',
    decision,
    requestId: request.doc.id,
    requestDigest: request.digest,
    checkpoint: request.doc.checkpoint,
    comment: text,
    createdAt: opts.now.toISOString(),
    nonce: newNonce(),
    approver: opts.signer.fingerprint,
    approverKey: opts.signer.publicKey,
    approverStatusDigest: opts.approverStatusDigest,
  };
  return seal('decision', doc, opts.signer);
}

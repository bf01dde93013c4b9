import { z } from 'zod';
import { isFingerprint } from '../signing/keys';

/** A point in an audit log: which log, how many entries, the head hash, when and by whom it was signed. */
export const checkpointRefSchema = z.strictObject({
  logId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  count: z.number().int().min(0),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.iso.datetime(),
  signer: z.string().refine(isFingerprint),
});
export type CheckpointRef = z.infer<typeof checkpointRefSchema>;

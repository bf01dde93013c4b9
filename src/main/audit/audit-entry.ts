import { hash } from 'node:crypto';
import { PAYLOAD_TYPES } from '../signing/envelope';

/**
 * One audit entry and its hash. The hash is sha256 of the entry's canonical JSON — keys in JCS order:
 * action, actor, actorKey, details, prev, seq, subject, time — including the previous entry's hash, so
 * every entry pins all entries before it. The text is assembled directly (the keys are fixed) because the
 * verifier recomputes it for every entry of long logs; a test pins it to canonicalize().
 */
export const GENESIS_PREV = '0'.repeat(64);
export const ENTRY_PAYLOAD_TYPE = 'application/vnd.drdesk.audit-entry+sha256';
export const CHECKPOINT_PAYLOAD_TYPE = PAYLOAD_TYPES.checkpoint;

export interface AuditEntryRow {
  seq: number;
  time: string;
  actor: string;
  actorKey: string;
  action: string;
  subject: string;
  /** Canonical JSON text of an object. */
  details: string;
  prev: string;
  hash: string;
  sig: string;
}

export type EntryContent = Omit<AuditEntryRow, 'hash' | 'sig'>;

export function entryText(e: EntryContent): string {
  return (
    `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"actorKey":${JSON.stringify(e.actorKey)},` +
    `"details":${e.details},"prev":${JSON.stringify(e.prev)},"seq":${e.seq},"subject":${JSON.stringify(e.subject)},"time":${JSON.stringify(e.time)}}`
  );
}

export function entryHash(e: EntryContent): string {
  // The one-shot hash() costs a third of createHash() on inputs this small; verification is mostly this.
  return hash('sha256', entryText(e), 'hex');
}

/** What an entry's signature covers: the 32 hash bytes (under the PAE of ENTRY_PAYLOAD_TYPE). */
export function entrySigned(hash: string): Buffer {
  return Buffer.from(hash, 'hex');
}

/** Whether details text is a JSON object on its own (so its end inside the entry text is unambiguous). */
export function detailsObject(details: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(details) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function isBreakGlass(action: string, details: Record<string, unknown> | null): boolean {
  return action.startsWith('break-glass') || details?.breakGlass === true;
}

import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { canonicalize } from '../../shared/canonical-json';
import { DeskError } from '../../shared/errors';
import type { ExportedItem } from '../../shared/api/approvals';
import { envelopeSchema } from '../signing/envelope';

/**
 * How requests, decisions and the roster travel without a server: a JSON file, the same content as a
 * chat-sized text token, or a file dropped in a folder both machines see. Transport adds no trust: every
 * envelope inside is verified on import. The token's checksum only tells a mangled paste from a forgery.
 */
export const BUNDLE_FORMAT = 'drdesk-bundle/1';
export const TOKEN_PREFIX = 'drdesk1.';
/** The largest import accepted, as a token's inflated content or a file's text: a roster chain of many versions fits well inside. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = MAX_IMPORT_BYTES;

function tooLarge(bytes: number): DeskError {
  return new DeskError('IMPORT_TOO_LARGE', `The import is ${bytes} bytes; DR Desk accepts at most ${MAX_IMPORT_BYTES} bytes: this is not a DR Desk export, or it was padded. Export it again on the sending machine.`);
}

export const bundleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ format: z.literal(BUNDLE_FORMAT), kind: z.literal('request'), request: envelopeSchema, statusSnapshot: z.unknown().optional() }),
  z.strictObject({ format: z.literal(BUNDLE_FORMAT), kind: z.literal('decision'), decision: envelopeSchema }),
  z.strictObject({ format: z.literal(BUNDLE_FORMAT), kind: z.literal('roster'), chain: z.array(envelopeSchema).min(1) }),
  /** An operator's signed audit checkpoint (with the request it follows), and the same co-signed by witnesses. */
  z.strictObject({ format: z.literal(BUNDLE_FORMAT), kind: z.literal('checkpoint'), checkpoint: envelopeSchema, requestId: z.string().max(100).nullable() }),
]);
export type Bundle = z.infer<typeof bundleSchema>;

function checksum(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest().subarray(0, 6).toString('base64url');
}

export function encodeToken(bundle: Bundle): string {
  const packed = deflateRawSync(Buffer.from(canonicalize(bundle), 'utf8'), { level: 9 });
  return `${TOKEN_PREFIX}${packed.toString('base64url')}.${checksum(packed)}`;
}

function corrupt(): DeskError {
  return new DeskError('TOKEN_CORRUPT', 'The token was changed or cut in transit (its checksum does not match): copy the whole token again from the sender, from "drdesk1." to the end.');
}

export function decodeToken(token: string): unknown {
  if (token.length > MAX_IMPORT_BYTES * 2) throw tooLarge(token.length);
  const t = token.replace(/\s+/g, '');
  if (!t.startsWith(TOKEN_PREFIX)) throw new DeskError('TOKEN_MALFORMED', 'This is not a DR Desk token (it starts with "drdesk1."): paste the whole token, or import the file instead.');
  const parts = t.slice(TOKEN_PREFIX.length).split('.');
  if (parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) throw corrupt();
  const packed = Buffer.from(parts[0], 'base64url');
  // Re-encoding must give the same text: a changed padding bit would otherwise slip through base64.
  if (packed.toString('base64url') !== parts[0] || checksum(packed) !== parts[1]) throw corrupt();
  let text: string;
  try {
    text = inflateRawSync(packed, { maxOutputLength: MAX_TOKEN_BYTES }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(MAX_TOKEN_BYTES + 1);
    throw corrupt();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The checksum matched, so this was made on purpose: a token that packs something other than an export.
    throw new DeskError('TOKEN_NOT_JSON', 'The token arrived intact but does not hold a DR Desk export (its content is not JSON): it was not made by DR Desk. Ask the sender to export it again.');
  }
}

/** Reads a file's JSON text or a token into a bundle of any kind. */
export function readBundle(text: string): Bundle {
  if (text.length > MAX_IMPORT_BYTES) throw tooLarge(text.length);
  const trimmed = text.trim();
  let raw: unknown;
  if (trimmed.startsWith(TOKEN_PREFIX)) raw = decodeToken(trimmed);
  else if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed);
    } catch {
      throw new DeskError('BUNDLE_MALFORMED', 'The file is not valid JSON: it was damaged; export it again on the sending machine.');
    }
  } else throw new DeskError('TOKEN_MALFORMED', 'Give a DR Desk token (drdesk1.…) or the content of an exported .json file.');
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) throw new DeskError('BUNDLE_MALFORMED', 'This is not a DR Desk export (request, approval or roster): export it again on the sending machine.');
  return parsed.data;
}

/** Reads a file's JSON text or a token into a bundle of the expected kind. */
export function readTransport<K extends Bundle['kind']>(text: string, kind: K): Extract<Bundle, { kind: K }> {
  const parsed = { data: readBundle(text) };
  if (parsed.data.kind !== kind)
    throw new DeskError(
      'BUNDLE_WRONG_KIND',
      `This is a${parsed.data.kind === 'decision' ? 'n approval' : ` ${parsed.data.kind === 'checkpoint' ? 'audit checkpoint' : parsed.data.kind}`}, not a${kind === 'request' ? ' request' : kind === 'decision' ? 'n approval' : kind === 'checkpoint' ? 'n audit checkpoint' : ' roster'}: import it in the right place.`,
    );
  return parsed.data as Extract<Bundle, { kind: K }>;
}

export function exportItem(bundle: Bundle, fileName: string): ExportedItem {
  return { kind: bundle.kind, fileName, file: `${JSON.stringify(bundle, null, 2)}\n`, token: encodeToken(bundle) };
}

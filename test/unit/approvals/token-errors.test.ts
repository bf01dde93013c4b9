import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeskError } from '../../../src/shared/errors';
import { MAX_IMPORT_BYTES, readBundle, readTransport, TOKEN_PREFIX } from '../../../src/main/approvals/transport';

/** Tokens made with a correct checksum around content that is not an export: every failure has a code. */
function tokenOf(content: Buffer): string {
  const packed = deflateRawSync(content);
  return `${TOKEN_PREFIX}${packed.toString('base64url')}.${createHash('sha256').update(packed).digest().subarray(0, 6).toString('base64url')}`;
}

function failure(fn: () => unknown): DeskError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeskError) return err;
    throw new Error(`uncoded error: ${String(err)}`);
  }
  throw new Error('did not fail');
}

describe('coded token and import failures', () => {
  it('a token with a valid checksum but non-JSON content gives TOKEN_NOT_JSON, not a SyntaxError', () => {
    const e = failure(() => readTransport(tokenOf(Buffer.from('this is not json {')), 'request'));
    expect(e.code).toBe('TOKEN_NOT_JSON');
    expect(e.message).toMatch(/arrived intact but does not hold a DR Desk export/);
  });

  it('valid JSON of the wrong shape gives BUNDLE_MALFORMED; binary content gives a code too', () => {
    expect(failure(() => readTransport(tokenOf(Buffer.from('[1,2,3]')), 'request')).code).toBe('BUNDLE_MALFORMED');
    expect(failure(() => readTransport(tokenOf(Buffer.from([0xff, 0xfe, 0x00, 0x01])), 'decision')).code).toBe('TOKEN_NOT_JSON');
  });

  it('a token that inflates beyond the cap is refused with IMPORT_TOO_LARGE (a deflate bomb is not inflated whole)', () => {
    const e = failure(() => readBundle(tokenOf(Buffer.alloc(MAX_IMPORT_BYTES + 1024, 0x20))));
    expect(e.code).toBe('IMPORT_TOO_LARGE');
  });

  it('a file text over the cap is refused before parsing', () => {
    const e = failure(() => readBundle(`{"a":"${'x'.repeat(MAX_IMPORT_BYTES)}"}`));
    expect(e.code).toBe('IMPORT_TOO_LARGE');
    expect(e.message).toMatch(/accepts at most 4194304 bytes/);
  });
});

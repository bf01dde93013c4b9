import { describe, expect, it } from 'vitest';
import { createEnrollmentToken, readEnrollmentToken } from '../../../src/main/approvals/enrollment';
import { exportItem, readTransport, TOKEN_PREFIX } from '../../../src/main/approvals/transport';
import { openDecision, openRequest } from '../../../src/main/approvals/verify';
import { DeskError } from '../../../src/shared/errors';
import { decide, makeRequest, person, T0, team } from './fixtures';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function changeAt(s: string, i: number): string {
  const c = s[i];
  const next = ALPHABET[(ALPHABET.indexOf(c) + 1) % ALPHABET.length] ?? 'A';
  return s.slice(0, i) + (next === c ? 'B' : next) + s.slice(i + 1);
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof DeskError ? err.code : `not a DeskError: ${String(err)}`;
  }
}

describe('transport: files and chat tokens', () => {
  const t = team();
  const req = makeRequest(t);
  const item = exportItem({ format: 'drdesk-bundle/1', kind: 'request', request: req, statusSnapshot: { dc: 'unreachable', dr: 'green' } }, 'drdesk-request.json');

  it('round-trips a request through the file and the token, byte for byte', () => {
    expect(item.token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(item.token.length).toBeLessThan(2500);
    expect(readTransport(item.token, 'request').request).toEqual(req);
    expect(readTransport(item.file, 'request').request).toEqual(req);
    expect(openRequest(readTransport(item.token, 'request').request).digest).toBe(openRequest(req).digest);
  });

  it('tolerates line breaks a chat client inserts', () => {
    const wrapped = item.token.match(/.{1,60}/g)?.join('\n') ?? '';
    expect(readTransport(`  ${wrapped}\n`, 'request').request).toEqual(req);
  });

  it('refuses a token with any one character changed, with TOKEN_CORRUPT', () => {
    const body = item.token.slice(TOKEN_PREFIX.length);
    const seen = new Set<string | null>();
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '.') continue;
      seen.add(codeOf(() => readTransport(TOKEN_PREFIX + changeAt(body, i), 'request')));
    }
    expect([...seen]).toEqual(['TOKEN_CORRUPT']);
    expect(codeOf(() => readTransport(item.token.slice(0, -1), 'request'))).toBe('TOKEN_CORRUPT');
    expect(codeOf(() => readTransport(item.token.replace('drdesk1.', 'drdesk2.'), 'request'))).toBe('TOKEN_MALFORMED');
  });

  it('refuses a file whose signed payload had one byte changed', () => {
    const bytes = Buffer.from(req.payload, 'base64');
    const i = bytes.indexOf(Buffer.from('rs-main'));
    bytes[i] = 'R'.charCodeAt(0);
    const bad = JSON.stringify({ format: 'drdesk-bundle/1', kind: 'request', request: { ...req, payload: bytes.toString('base64') } });
    expect(codeOf(() => openRequest(readTransport(bad, 'request').request))).toBe('REQUEST_SIGNATURE_INVALID');
  });

  it('refuses an approval presented as a request, and other kinds', () => {
    const approval = exportItem({ format: 'drdesk-bundle/1', kind: 'decision', decision: decide(req, t.it) }, 'a.json');
    expect(codeOf(() => readTransport(approval.token, 'request'))).toBe('BUNDLE_WRONG_KIND');
    expect(openDecision(readTransport(approval.token, 'decision').decision).value.requestId).toBe(openRequest(req).value.id);
    expect(codeOf(() => readTransport('hello', 'request'))).toBe('TOKEN_MALFORMED');
    expect(codeOf(() => readTransport('{"format":"x"}', 'request'))).toBe('BUNDLE_MALFORMED');
  });
});

describe('enrollment tokens', () => {
  const ana = person('Ana Silva (IT)');
  const token = createEnrollmentToken(ana, T0);

  it('carries name and public key, and gives the fingerprint to compare', () => {
    expect(token.length).toBeLessThan(300);
    expect(readEnrollmentToken(token)).toEqual({ name: 'Ana Silva (IT)', publicKey: ana.publicKey, fingerprint: ana.fingerprint, createdAt: T0.toISOString() });
  });

  it('refuses any one changed character', () => {
    const codes = new Set<string | null>();
    for (let i = 'drdesk-enroll1.'.length; i < token.length; i++) if (token[i] !== '.') codes.add(codeOf(() => readEnrollmentToken(changeAt(token, i))));
    expect([...codes]).toEqual(['ENROLLMENT_TOKEN_CORRUPT']);
  });

  it('refuses a public key swapped in with the name kept', () => {
    const mallory = person('Ana Silva (IT)');
    const [, payload] = token.split('.');
    const theirs = createEnrollmentToken(mallory, T0).split('.');
    expect(codeOf(() => readEnrollmentToken(`drdesk-enroll1.${theirs[1]}.${token.split('.')[2]}`))).toBe('ENROLLMENT_TOKEN_CORRUPT');
    expect(payload).not.toBe(theirs[1]);
  });
});

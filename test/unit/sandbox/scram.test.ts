import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeCredential, ScramConversation } from '../../../src/main/sandbox/scram';

/** The client half of RFC 5802 with SHA-256, as the driver computes it. */
function clientFinal(password: string, clientFirstBare: string, serverFirst: string): { final: string; serverSignature: string } {
  const attrs = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.s, 'base64'), Number(attrs.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const sig = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]));
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return { final: `${withoutProof},p=${proof.toString('base64')}`, serverSignature: createHmac('sha256', serverKey).update(authMessage).digest('base64') };
}

describe('SCRAM-SHA-256 server', () => {
  const cred = makeCredential('admin', 'pencil', 4096);
  const lookup = (u: string) => (u === 'admin' ? cred : undefined);

  it('authenticates the right password and proves itself with the server signature', () => {
    const conv = new ScramConversation(lookup);
    const bare = 'n=admin,r=fyko+d2lbbFgONRv9qkxdawL';
    const serverFirst = conv.start(Buffer.from(`n,,${bare}`));
    expect(serverFirst).toMatch(/^r=fyko\+d2lbbFgONRv9qkxdawL.+,s=.+,i=4096$/);
    const { final, serverSignature } = clientFinal('pencil', bare, serverFirst);
    expect(conv.finish(Buffer.from(final))).toBe(`v=${serverSignature}`);
    expect(conv.authenticatedUser).toBe('admin');
  });

  it('fails a wrong password or an unknown user with AuthenticationFailed', () => {
    for (const [user, pw] of [
      ['admin', 'wrong'],
      ['nobody', 'pencil'],
    ]) {
      const conv = new ScramConversation(lookup);
      const bare = `n=${user},r=abc`;
      const serverFirst = conv.start(Buffer.from(`n,,${bare}`));
      expect(() => conv.finish(Buffer.from(clientFinal(pw, bare, serverFirst).final))).toThrow(/Authentication failed/);
    }
  });

  it('rejects a nonce that is not the server one and malformed first messages', () => {
    const conv = new ScramConversation(lookup);
    conv.start(Buffer.from('n,,n=admin,r=abc'));
    expect(() => conv.finish(Buffer.from('c=biws,r=other,p=AAAA'))).toThrow(/Authentication failed/);
    expect(() => new ScramConversation(lookup).start(Buffer.from('p=tls-unique,,n=a,r=b'))).toThrow(/channel binding/);
    expect(() => new ScramConversation(lookup).start(Buffer.from('n,,r=only'))).toThrow(/lacks/);
  });
});

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CommandError } from './errors';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802/7677) as mongod speaks it through saslStart/saslContinue.
 * Passwords are prepared with NFKC normalisation (the heart of SASLprep; exact for ASCII passwords).
 */
export const SCRAM_ITERATIONS = 15_000;

export interface ScramCredential {
  username: string;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

export function makeCredential(username: string, password: string, iterations = SCRAM_ITERATIONS, salt = randomBytes(28)): ScramCredential {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { username, salt, iterations, storedKey: createHash('sha256').update(clientKey).digest(), serverKey: hmac(salted, 'Server Key') };
}

function parseAttributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

function decodeUsername(s: string): string {
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

const authFailed = (): CommandError => new CommandError('AuthenticationFailed', 'Authentication failed.');

/** One conversation: client-first → server-first → client-final → server-final. */
export class ScramConversation {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  done = false;
  authenticatedUser: string | null = null;

  constructor(private readonly lookup: (username: string) => ScramCredential | undefined) {}

  /** saslStart's payload ("n,,n=user,r=nonce") → the server-first message. */
  start(payload: Buffer): string {
    const text = payload.toString('utf8');
    if (!text.startsWith('n,') && !text.startsWith('y,')) throw new CommandError('BadValue', 'SCRAM: channel binding is not supported; expected a "n,," GS2 header');
    const second = text.indexOf(',', 2);
    if (second < 0) throw new CommandError('BadValue', 'SCRAM: malformed client-first message');
    this.clientFirstBare = text.slice(second + 1);
    const attrs = parseAttributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!user || !clientNonce) throw new CommandError('BadValue', 'SCRAM: client-first message lacks n= or r=');
    // An unknown user still gets a challenge (with a made-up salt) so usernames cannot be probed.
    this.credential = this.lookup(decodeUsername(user));
    const salt = this.credential?.salt ?? randomBytes(28);
    const iterations = this.credential?.iterations ?? SCRAM_ITERATIONS;
    this.nonce = clientNonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    return this.serverFirst;
  }

  /** saslContinue's payload ("c=biws,r=nonce,p=proof") → the server-final message ("v=signature"). */
  finish(payload: Buffer): string {
    if (!this.serverFirst) throw authFailed();
    const text = payload.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw authFailed();
    const withoutProof = text.slice(0, proofAt);
    const attrs = parseAttributes(text);
    if (attrs.get('r') !== this.nonce || !this.credential) throw authFailed();
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    const signature = hmac(this.credential.storedKey, authMessage);
    if (proof.length !== signature.length) throw authFailed();
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
    const stored = createHash('sha256').update(clientKey).digest();
    if (!timingSafeEqual(stored, this.credential.storedKey)) throw authFailed();
    this.done = true;
    this.authenticatedUser = this.credential.username;
    return `v=${hmac(this.credential.serverKey, authMessage).toString('base64')}`;
  }
}

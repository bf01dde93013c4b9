import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { DeskError } from '../../shared/errors';

/** Ed25519 keys, fingerprints and digests. The private key is handled only as a KeyObject in memory. */

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** "sha256:<hex>" — the digest format of requests, decisions, roster versions and status snapshots. */
export function digestOf(data: Uint8Array | string): string {
  return `sha256:${sha256(data).toString('hex')}`;
}

export function fingerprintOf(rawPublicKey: Uint8Array): string {
  return `SHA256:${sha256(rawPublicKey).toString('base64').replace(/=+$/, '')}`;
}

/** The fingerprint as grouped hex ("3F2A 91C0 …"), for reading aloud. */
export function fingerprintHex(fingerprint: string): string {
  const hex = Buffer.from(fingerprint.replace(/^SHA256:/, ''), 'base64').toString('hex').toUpperCase();
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
export function isFingerprint(s: string): boolean {
  return FINGERPRINT.test(s);
}

export interface KeyPair {
  publicKey: string; // raw 32 bytes, base64
  fingerprint: string;
  privateKey: KeyObject;
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { publicKey: raw.toString('base64'), fingerprint: fingerprintOf(raw), privateKey };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** PKCS#8 DER, base64: the form kept in the keychain. */
export function exportPrivateKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

export function importPrivateKey(b64: string, expectedPublicKey: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new DeskError('IDENTITY_KEY_DAMAGED', 'The private key in the keychain cannot be read: create a new identity and have an admin enroll it again.');
  }
  if (key.asymmetricKeyType !== 'ed25519' || rawPublicKey(createPublicKey(key)).toString('base64') !== expectedPublicKey)
    throw new DeskError('IDENTITY_KEY_MISMATCH', 'The private key in the keychain does not belong to this identity: restore the right keychain or create a new identity.');
  return key;
}

const publicKeys = new Map<string, KeyObject>();

/** A KeyObject for a raw base64 public key (cached: verification of long logs reuses few keys). */
export function publicKeyObject(publicKey: string): KeyObject {
  let key = publicKeys.get(publicKey);
  if (!key) {
    const raw = Buffer.from(publicKey, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== publicKey)
      throw new DeskError('BAD_PUBLIC_KEY', 'A public key is not 32 bytes of base64: the document was damaged or was not made by DR Desk.');
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(publicKey, key);
  }
  return key;
}

export function isPublicKey(s: string): boolean {
  const raw = Buffer.from(s, 'base64');
  return raw.length === 32 && raw.toString('base64') === s;
}

/**
 * DSSE pre-authentication encoding: binds the payload type to the bytes, so a signature made for one kind
 * of document (an audit entry) can never be passed off as another (an approval).
 */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function signBytes(privateKey: KeyObject, payloadType: string, payload: Uint8Array): string {
  return sign(null, pae(payloadType, payload), privateKey).toString('base64');
}

export function verifyBytes(publicKey: string, payloadType: string, payload: Uint8Array, sig: string): boolean {
  const sigBytes = Buffer.from(sig, 'base64');
  if (sigBytes.length !== 64) return false;
  return verify(null, pae(payloadType, payload), publicKeyObject(publicKey), sigBytes);
}

/** Fingerprints as the engine writes them ("SHA256:<base64>"), regrouped as hex for reading aloud. */
export function fingerprintHex(fingerprint: string): string {
  let bin: string;
  try {
    bin = atob(fingerprint.replace(/^SHA256:/, '').padEnd(44, '='));
  } catch {
    return fingerprint;
  }
  const hex = Array.from(bin, (c) => c.charCodeAt(0).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

/** What an enrollment token claims (name and key), decoded here so the admin can compare before signing. */
export async function readEnrollmentClaim(token: string): Promise<{ name: string; fingerprint: string } | null> {
  const m = /^drdesk-enroll1\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/.exec(token.trim());
  if (!m || !globalThis.crypto?.subtle) return null;
  try {
    const bytes = Uint8Array.from(atob(m[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { name?: unknown; publicKey?: unknown };
    if (typeof json.name !== 'string' || typeof json.publicKey !== 'string') return null;
    const raw = Uint8Array.from(atob(json.publicKey), (c) => c.charCodeAt(0));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
    const b64 = btoa(String.fromCharCode(...digest)).replace(/=+$/, '');
    return { name: json.name, fingerprint: `SHA256:${b64}` };
  } catch {
    return null;
  }
}

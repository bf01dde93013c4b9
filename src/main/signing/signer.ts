/** Who signs: a person's key as DR Desk holds it (the private half stays in the OS keychain). */
export interface Signer {
  readonly name: string;
  readonly fingerprint: string;
  readonly publicKey: string;
  sign(payloadType: string, payload: Uint8Array): string;
}

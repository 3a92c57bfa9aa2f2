// The app's signing keys and how they rotate. There is always a signing key and a next key, and
// both are in the metadata: the next key is published from the moment it is made, so an SP that
// took the metadata since the last rotation already trusts the key the next rotation promotes.
// A retired key stays published a day, then goes at a later rotation.
import { X509Certificate, createHash } from 'node:crypto'
import type { IdpSigningKeyRecord } from '../store/idp-records.js'

export const RETIRED_KEY_RETENTION_MS = 24 * 60 * 60 * 1000

/** A key pair the app may sign with, as the store keeps it. */
export async function generateSigningKey(
  accountId: string,
  random: (size: number) => Uint8Array,
  now: Date,
): Promise<IdpSigningKeyRecord> {
  // The certificate library loads only when a key is made.
  const { createSigningCertificate } = await import('./certificate.js')
  const serial = random(16)
  // A positive serial number (RFC 5280 4.1.2.2): the top bit clear.
  serial[0] = (serial[0] ?? 0) & 0x7f
  const made = await createSigningCertificate(`rolegate IdP ${accountId}`, serial, now)
  return {
    accountId,
    keyId: certificateKeyId(made.certificate),
    privateKey: made.privateKey,
    certificate: made.certificate,
    createDate: now,
    signingSince: null,
    retireDate: null,
  }
}

/** The first 16 bytes of the certificate's SHA-256 fingerprint, hex: names the key in listings. */
export function certificateKeyId(pem: string): string {
  const der = new X509Certificate(pem).raw
  return createHash('sha256').update(der).digest('hex').slice(0, 32)
}

/** The certificate's DER as base64 on one line: what ds:X509Certificate holds. */
export const certificateBase64 = (pem: string): string =>
  new X509Certificate(pem).raw.toString('base64')

export type SigningKeyStatus = 'Signing' | 'Next' | 'Retired'

export function keyStatus(key: IdpSigningKeyRecord): SigningKeyStatus {
  if (key.retireDate !== null) return 'Retired'
  return key.signingSince === null ? 'Next' : 'Signing'
}

/** The key that signs now: the one promoted most recently and not retired. */
export const signingKeyOf = (keys: readonly IdpSigningKeyRecord[]) =>
  keys
    .filter((key) => keyStatus(key) === 'Signing')
    .sort((a, b) => (b.signingSince?.getTime() ?? 0) - (a.signingSince?.getTime() ?? 0))[0]

/** The key the next rotation promotes. */
export const nextKeyOf = (keys: readonly IdpSigningKeyRecord[]) =>
  keys.find((key) => keyStatus(key) === 'Next')

/** Whether the metadata still lists a key: always, until a day after it retired. */
export const isPublished = (key: IdpSigningKeyRecord, now: Date): boolean =>
  key.retireDate === null || key.retireDate.getTime() + RETIRED_KEY_RETENTION_MS > now.getTime()

/** The keys the metadata lists: the signing key first, then the next key, then retired ones. */
export function publishedKeys(keys: readonly IdpSigningKeyRecord[], now: Date) {
  const order: Record<SigningKeyStatus, number> = { Signing: 0, Next: 1, Retired: 2 }
  return keys
    .filter((key) => isPublished(key, now))
    .sort((a, b) => order[keyStatus(a)] - order[keyStatus(b)])
}

/** What a rotation writes: the signing key retires, the next key signs, expired keys go. */
export interface Rotation {
  retired: IdpSigningKeyRecord[]
  promoted: IdpSigningKeyRecord | undefined
  expired: IdpSigningKeyRecord[]
}

export function planRotation(keys: readonly IdpSigningKeyRecord[], now: Date): Rotation {
  const next = nextKeyOf(keys)
  return {
    retired: keys
      .filter((key) => keyStatus(key) === 'Signing')
      .map((key) => ({ ...key, retireDate: now })),
    promoted: next && { ...next, signingSince: now },
    expired: keys.filter((key) => !isPublished(key, now)),
  }
}

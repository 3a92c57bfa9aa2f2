// Signing keys of a built-in OIDC issuer: generated with jose, named by their RFC 7638 thumbprint,
// and retired on rotation so that a key leaves the JWKS only after every token it signed expired.
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { MAX_CLOCK_SKEW_SECONDS } from '../oidc/check-times.js'
import type { IssuerKeyRecord } from '../../store/ports.js'
import type { IssuerRef } from './discovery.js'

/** What a built-in issuer may sign with: RS256 (what Kubernetes and EKS use) or ES256. */
export const ISSUER_ALGORITHMS = ['RS256', 'ES256'] as const
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number]
export const DEFAULT_ISSUER_ALGORITHM: IssuerAlgorithm = 'RS256'

/**
 * The longest token a built-in issuer mints: 24 hours, as a deliberate bound. It is also how long
 * a retired key stays published, so a longer TTL would mean keys that linger longer.
 */
export const MAX_TOKEN_TTL_SECONDS = 24 * 60 * 60
export const DEFAULT_TOKEN_TTL_SECONDS = 60 * 60

/**
 * How long a key stays in the JWKS after it stopped signing: the longest token it could have
 * signed, plus the clock skew verifiers allow past `exp`.
 */
export const KEY_RETENTION_MS = (MAX_TOKEN_TTL_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000

export const isIssuerAlgorithm = (value: string): value is IssuerAlgorithm =>
  (ISSUER_ALGORITHMS as readonly string[]).includes(value)

/** A fresh key pair for `issuer`, as the store keeps it (private and public JWK text). */
export async function generateIssuerKey(
  issuer: IssuerRef,
  algorithm: IssuerAlgorithm,
  now: Date,
): Promise<IssuerKeyRecord> {
  const options =
    algorithm === 'RS256' ? { modulusLength: 2048, extractable: true } : { extractable: true }
  const pair = await generateKeyPair(algorithm, options)
  const publicJwk = await exportJWK(pair.publicKey)
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256')
  const privateJwk = await exportJWK(pair.privateKey)
  return {
    accountId: issuer.accountId,
    issuerName: issuer.name,
    kid,
    algorithm,
    privateJwk: JSON.stringify({ ...privateJwk, kid, alg: algorithm, use: 'sig' }),
    publicJwk: JSON.stringify({ ...publicJwk, kid, alg: algorithm, use: 'sig' }),
    createDate: now,
    retireDate: null,
  }
}

/** The key that signs: the newest one not retired (keys come newest first from the store). */
export const signingKey = (keys: readonly IssuerKeyRecord[]): IssuerKeyRecord | undefined =>
  keys.find((key) => key.retireDate === null)

/** Whether a key is still published: never retired, or retired but within its retention. */
export const isPublished = (key: IssuerKeyRecord, now: Date): boolean =>
  key.retireDate === null || key.retireDate.getTime() > now.getTime()

/** The public JWKs a verifier may use at `now`. */
export const publishedKeys = (keys: readonly IssuerKeyRecord[], now: Date): JWK[] =>
  keys.filter((key) => isPublished(key, now)).map((key) => JSON.parse(key.publicJwk) as JWK)

/** What a rotation changes: the signing key retires with its retention date; expired ones go. */
export interface Rotation {
  retired: IssuerKeyRecord[]
  expired: IssuerKeyRecord[]
}

export function planRotation(keys: readonly IssuerKeyRecord[], now: Date): Rotation {
  const retireDate = new Date(now.getTime() + KEY_RETENTION_MS)
  return {
    retired: keys.filter((key) => key.retireDate === null).map((key) => ({ ...key, retireDate })),
    expired: keys.filter((key) => !isPublished(key, now)),
  }
}

// Readies a JWK set for verification once, when it is loaded: each key's public members imported
// as a KeyObject and RSA keys judged for strength (2048 bits or more, an odd exponent of at least 3,
// no ROCA fingerprint). The JWKS cache and the built-in issuers keep what this returns per key set.
import { Buffer } from 'node:buffer'
import { createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { base64url } from 'jose'
import type { JWK } from 'jose'
import { hasRocaFingerprint } from './detect-roca.js'

export const MIN_RSA_MODULUS_BITS = 2048

/** RSA, or the curve of an EC key as JOSE names it: what decides the algorithms a key can serve. */
export type KeyFamily = 'RSA' | 'P-256' | 'P-384' | 'P-521'

export interface UsableKey {
  /** Imported once, handed to jose for every token it checks. */
  readonly key: KeyObject
  readonly family: KeyFamily
  /** Its public members and kid, frozen: what a verified token reports having been checked with. */
  readonly publicJwk: JWK
}

export interface VerificationKey {
  /** The key as published, frozen: its kid, use, key_ops and alg are weighed for each token. */
  readonly jwk: JWK
  /** Undefined when the key can never verify: not RSA or EC, weak RSA, or it would not import. */
  readonly usable: UsableKey | undefined
}

const CURVES: Readonly<Record<string, KeyFamily>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
}

const isObject = (value: unknown): value is JWK =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The public half of an RSA or EC JWK plus its kid; private members (`d`, `p`, ...) stay behind. */
function publicPart(jwk: JWK): JWK {
  const members = jwk as Readonly<Record<string, unknown>>
  const pick = jwk.kty === 'RSA' ? ['n', 'e'] : ['crv', 'x', 'y']
  const out: Record<string, unknown> = { kty: jwk.kty }
  if (jwk.kid !== undefined) out['kid'] = jwk.kid
  for (const name of pick) if (members[name] !== undefined) out[name] = members[name]
  return Object.freeze(out) as JWK
}

function isStrongRsa(key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails
  const bits = details?.modulusLength ?? 0
  const exponent = details?.publicExponent ?? 0n
  if (bits < MIN_RSA_MODULUS_BITS || exponent < 3n || exponent % 2n === 0n) return false
  // The modulus as Node re-exports it: canonical base64url, whatever spelling the issuer used.
  const { n: modulus } = key.export({ format: 'jwk' })
  if (modulus === undefined) return false
  const n = BigInt(`0x${Buffer.from(base64url.decode(modulus)).toString('hex')}`)
  return n % 2n === 1n && !hasRocaFingerprint(n)
}

function usableKey(jwk: JWK): UsableKey | undefined {
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') return undefined
  const publicJwk = publicPart(jwk)
  let key: KeyObject
  try {
    // Node reads only the members of the key type; kid is ignored.
    key = createPublicKey({ key: publicJwk, format: 'jwk' })
  } catch {
    return undefined
  }
  if (key.asymmetricKeyType === 'rsa') {
    return isStrongRsa(key) ? { key, family: 'RSA', publicJwk } : undefined
  }
  const family = CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
  return key.asymmetricKeyType === 'ec' && family !== undefined
    ? { key, family, publicJwk }
    : undefined
}

/** One key as the verifier weighs it. */
export function prepareVerificationKey(jwk: JWK): VerificationKey {
  const published = Object.isFrozen(jwk) ? jwk : Object.freeze({ ...jwk })
  return Object.freeze({ jwk: published, usable: usableKey(published) })
}

/** The members of a JWKS `keys` array that are objects, each prepared. */
export const prepareVerificationKeys = (keys: readonly unknown[]): readonly VerificationKey[] =>
  Object.freeze(keys.filter(isObject).map(prepareVerificationKey))

// Picks the keys of a JWK set that may verify a token: matching `kid`, a key type and curve that fit
// the pinned algorithm, `use`/`key_ops`/`alg` that allow signature verification, and no weak RSA
// (under 2048 bits, tiny exponent, ROCA). Only public members are kept; secret keys never qualify.
import type { JWK } from 'jose'
import { Buffer } from 'node:buffer'
import type { AllowedAlgorithm } from './check-algorithm.js'
import { FrozenMemo } from './frozen-memo.js'
import { hasRocaFingerprint } from './detect-roca.js'

export const MIN_RSA_MODULUS_BITS = 2048

const CURVE_FOR: Partial<Record<AllowedAlgorithm, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
}

export type KeySelection =
  | { readonly ok: true; readonly keys: readonly JWK[] }
  /** `ambiguous`: more than one key carries the token's `kid`. */
  | { readonly ok: false; readonly reason: 'ambiguous' }

const bigintOf = (base64url: string): bigint | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(base64url)) return undefined
  const hex = Buffer.from(base64url, 'base64url').toString('hex')
  return hex === '' ? undefined : BigInt(`0x${hex}`)
}

function isStrongRsa(modulus: string, exponent: string): boolean {
  const n = bigintOf(modulus)
  const e = bigintOf(exponent)
  if (n === undefined || e === undefined) return false
  if (n.toString(2).length < MIN_RSA_MODULUS_BITS || n % 2n === 0n) return false
  if (e < 3n || e % 2n === 0n) return false
  return !hasRocaFingerprint(n)
}

/** The verdict per frozen JWK: the BigInt decoding and ROCA test cost ~16 µs a call. */
const rsaVerdicts = new FrozenMemo<JWK, boolean>()

function strongRsa(jwk: JWK): boolean {
  const { n, e } = jwk
  if (typeof n !== 'string' || typeof e !== 'string') return false
  return rsaVerdicts.get(jwk, () => isStrongRsa(n, e))
}

function allowsVerification(jwk: JWK, algorithm: AllowedAlgorithm): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify')) return false
  }
  if (jwk.alg !== undefined && jwk.alg !== algorithm) return false
  const curve = CURVE_FOR[algorithm]
  if (curve !== undefined) return jwk.kty === 'EC' && jwk.crv === curve
  return jwk.kty === 'RSA' && strongRsa(jwk)
}

/** Public parts per frozen JWK: the same frozen object each call, so what it imports to is kept. */
const publicParts = new FrozenMemo<JWK, JWK>()

/**
 * The public half of an asymmetric JWK plus its `kid`, frozen; private members (`d`, `p`, ...)
 * are dropped.
 */
function publicPart(jwk: JWK): JWK {
  return publicParts.get(jwk, () => {
    const pick = jwk.kty === 'RSA' ? ['n', 'e'] : ['crv', 'x', 'y']
    const out: Record<string, unknown> = { kty: jwk.kty }
    if (jwk.kid !== undefined) out['kid'] = jwk.kid
    const members = jwk as Readonly<Record<string, unknown>>
    for (const name of pick) if (members[name] !== undefined) out[name] = members[name]
    return Object.freeze(out) as JWK
  })
}

export function selectVerificationKeys(
  keys: readonly JWK[],
  kid: string | undefined,
  algorithm: AllowedAlgorithm,
): KeySelection {
  const named = kid === undefined ? keys : keys.filter((k) => k.kid === kid)
  if (kid !== undefined && named.length > 1) return { ok: false, reason: 'ambiguous' }
  return {
    ok: true,
    keys: named.filter((k) => allowsVerification(k, algorithm)).map(publicPart),
  }
}

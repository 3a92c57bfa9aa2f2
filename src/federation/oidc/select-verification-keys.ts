// Picks the keys of a prepared JWK set that may verify a token: matching `kid` (two keys with the
// token's kid are ambiguous and refused), a key family that fits the pinned algorithm, and
// `use`/`key_ops`/`alg` that allow signature verification. Weak and unusable keys never qualify.
import type { AllowedAlgorithm } from './check-algorithm.js'
import type { KeyFamily, UsableKey, VerificationKey } from './prepare-verification-keys.js'

const FAMILY_FOR: Readonly<Record<AllowedAlgorithm, KeyFamily>> = {
  RS256: 'RSA',
  RS384: 'RSA',
  RS512: 'RSA',
  PS256: 'RSA',
  PS384: 'RSA',
  PS512: 'RSA',
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
}

export type KeySelection =
  | { readonly ok: true; readonly keys: readonly UsableKey[] }
  /** `ambiguous`: more than one key carries the token's `kid`. */
  | { readonly ok: false; readonly reason: 'ambiguous' }

/** The usable key when `jwk` may verify `algorithm`; undefined otherwise. */
function fitFor(
  { jwk, usable }: VerificationKey,
  algorithm: AllowedAlgorithm,
): UsableKey | undefined {
  if (usable === undefined || usable.family !== FAMILY_FOR[algorithm]) return undefined
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify')) return undefined
  }
  return jwk.alg === undefined || jwk.alg === algorithm ? usable : undefined
}

export function selectVerificationKeys(
  keys: readonly VerificationKey[],
  kid: string | undefined,
  algorithm: AllowedAlgorithm,
): KeySelection {
  const named = kid === undefined ? keys : keys.filter((k) => k.jwk.kid === kid)
  if (kid !== undefined && named.length > 1) return { ok: false, reason: 'ambiguous' }
  const fitting: UsableKey[] = []
  for (const key of named) {
    const usable = fitFor(key, algorithm)
    if (usable !== undefined) fitting.push(usable)
  }
  return { ok: true, keys: fitting }
}

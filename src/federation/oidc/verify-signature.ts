// Step 4: verify the JWS signature with jose, the algorithm pinned to the header's allowlisted
// `alg`, against the keys the resolver supplies for the issuer (JWKS cache or an in-process issuer).
import { compactVerify, importJWK } from 'jose'
import type { JWK } from 'jose'
import { KEY_NOT_RETRIEVED, SIGNATURE_INVALID, invalidIdentityToken } from './aws-messages.js'
import type { AllowedAlgorithm } from './check-algorithm.js'
import type { DecodedJws } from './decode-token.js'
import { selectVerificationKeys } from './select-verification-keys.js'

/** Returns the JWK that verified the signature; throws InvalidIdentityToken otherwise. */
export async function verifySignature(
  token: DecodedJws,
  algorithm: AllowedAlgorithm,
  keys: readonly JWK[],
): Promise<JWK> {
  const kid = token.header['kid']
  if (kid !== undefined && typeof kid !== 'string') throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  const selection = selectVerificationKeys(keys, kid, algorithm)
  if (!selection.ok || selection.keys.length === 0) throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  for (const jwk of selection.keys) {
    try {
      const key = await importJWK(jwk, algorithm)
      await compactVerify(token.compact, key, { algorithms: [algorithm] })
      return jwk
    } catch {
      // A key that will not import or does not verify: try the next one with the same kid rules.
    }
  }
  throw invalidIdentityToken(SIGNATURE_INVALID)
}

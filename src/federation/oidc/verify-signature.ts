// Step 4: verify the JWS signature with jose's compactVerify, the algorithm pinned to the header's
// allowlisted `alg`, against the keys the issuer's prepared key set offers for it (JWKS cache or a
// built-in issuer). jose's refusals are answered in AWS's words.
import { compactVerify, errors } from 'jose'
import type { JWK } from 'jose'
import { AwsError } from '../../core/errors.js'
import {
  KEY_NOT_RETRIEVED,
  NOT_A_JWT,
  SIGNATURE_INVALID,
  invalidIdentityToken,
} from './aws-messages.js'
import type { AllowedAlgorithm } from './check-algorithm.js'
import type { DecodedJws } from './decode-token.js'
import type { VerificationKey } from './prepare-verification-keys.js'
import { selectVerificationKeys } from './select-verification-keys.js'

export interface VerifiedSignature {
  /** The public members and kid of the key that verified the signature. */
  readonly key: JWK
  /** The payload the signature covers, as jose decoded it. */
  readonly payload: Uint8Array
}

/**
 * What a jose error says about the token, whichever key is tried: the token's own form is wrong
 * (the decoding step refuses these first), or only this key did not verify it (undefined).
 */
export function tokenRefusal(error: unknown): string | undefined {
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  ) {
    return NOT_A_JWT
  }
  return undefined
}

/**
 * Returns the key that verified the signature and the payload; throws InvalidIdentityToken
 * otherwise. A key jose will not use (a failed signature check, a key it refuses for the
 * algorithm) leaves the next candidate to try.
 */
export async function checkSignature(
  token: DecodedJws,
  algorithm: AllowedAlgorithm,
  keys: readonly VerificationKey[],
): Promise<VerifiedSignature> {
  const kid = token.header['kid']
  if (kid !== undefined && typeof kid !== 'string') throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  if (token.header['alg'] !== algorithm) throw invalidIdentityToken(SIGNATURE_INVALID)
  const selection = selectVerificationKeys(keys, kid, algorithm)
  if (!selection.ok || selection.keys.length === 0) throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  let cause: unknown
  for (const candidate of selection.keys) {
    try {
      const { payload } = await compactVerify(token.compact, candidate.key, {
        algorithms: [algorithm],
      })
      return { key: candidate.publicJwk, payload }
    } catch (error) {
      const refusal = tokenRefusal(error)
      if (refusal !== undefined)
        throw new AwsError('InvalidIdentityToken', refusal, { cause: error })
      cause = error
    }
  }
  throw new AwsError('InvalidIdentityToken', SIGNATURE_INVALID, { cause })
}

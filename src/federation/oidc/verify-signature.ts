// Step 4: verify the JWS signature, the algorithm pinned to the header's allowlisted `alg`, against
// the keys the resolver supplies for the issuer (JWKS cache or an in-process issuer). Public keys
// are imported once per frozen JWK and checked with node:crypto's synchronous verify.
import { Buffer } from 'node:buffer'
import { constants, createPublicKey, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import { KEY_NOT_RETRIEVED, SIGNATURE_INVALID, invalidIdentityToken } from './aws-messages.js'
import { FrozenMemo } from './frozen-memo.js'
import type { AllowedAlgorithm } from './check-algorithm.js'
import type { DecodedJws } from './decode-token.js'
import { selectVerificationKeys } from './select-verification-keys.js'

/** Each family's digest, and what ECDSA needs: the named curve and the raw r||s length (RFC 7518). */
const FAMILY: Record<AllowedAlgorithm, { hash: string; curve?: string; signatureBytes?: number }> =
  {
    RS256: { hash: 'sha256' },
    RS384: { hash: 'sha384' },
    RS512: { hash: 'sha512' },
    PS256: { hash: 'sha256' },
    PS384: { hash: 'sha384' },
    PS512: { hash: 'sha512' },
    ES256: { hash: 'sha256', curve: 'prime256v1', signatureBytes: 64 },
    ES384: { hash: 'sha384', curve: 'secp384r1', signatureBytes: 96 },
    ES512: { hash: 'sha512', curve: 'secp521r1', signatureBytes: 132 },
  }

/** Imported public keys per frozen public JWK; null: it would not import. */
const imported = new FrozenMemo<JWK, KeyObject | null>()

/** `jwk` holds only public members and kid (selectVerificationKeys made sure). */
function publicKeyOf(jwk: JWK): KeyObject | null {
  return imported.get(jwk, () => {
    try {
      // Node reads only the members of the key type; kid is ignored.
      return createPublicKey({ key: jwk, format: 'jwk' })
    } catch {
      return null
    }
  })
}

/** Whether `key` suits `algorithm` (the selection already matched kty and crv; this re-checks). */
function fits(key: KeyObject, algorithm: AllowedAlgorithm): boolean {
  const { curve } = FAMILY[algorithm]
  if (curve === undefined) return key.asymmetricKeyType === 'rsa'
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve
}

function verifies(token: DecodedJws, algorithm: AllowedAlgorithm, key: KeyObject): boolean {
  const { hash, signatureBytes } = FAMILY[algorithm]
  const signed = Buffer.from(token.compact.slice(0, token.compact.lastIndexOf('.')), 'ascii')
  const signature = token.signature
  if (signatureBytes !== undefined) {
    if (signature.length !== signatureBytes) return false
    return verify(hash, signed, { key, dsaEncoding: 'ieee-p1363' }, signature)
  }
  if (algorithm.startsWith('PS')) {
    // RFC 7518 3.5: the salt is as long as the digest, and exactly that long.
    const pss = {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }
    return verify(hash, signed, pss, signature)
  }
  return verify(hash, signed, key, signature)
}

/** Returns the JWK that verified the signature; throws InvalidIdentityToken otherwise. */
export function checkSignature(
  token: DecodedJws,
  algorithm: AllowedAlgorithm,
  keys: readonly JWK[],
): JWK {
  const kid = token.header['kid']
  if (kid !== undefined && typeof kid !== 'string') throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  if (token.header['alg'] !== algorithm) throw invalidIdentityToken(SIGNATURE_INVALID)
  const selection = selectVerificationKeys(keys, kid, algorithm)
  if (!selection.ok || selection.keys.length === 0) throw invalidIdentityToken(KEY_NOT_RETRIEVED)
  for (const jwk of selection.keys) {
    const key = publicKeyOf(jwk)
    if (key === null || !fits(key, algorithm)) continue
    try {
      if (verifies(token, algorithm, key)) return jwk
    } catch {
      // A signature OpenSSL will not even parse: try the next key with the same kid rules.
    }
  }
  throw invalidIdentityToken(SIGNATURE_INVALID)
}

// Steps 1-4 end to end, shared by the signer and the verifier so both build the very same strings.

import type { Sigv4Crypto } from './crypto.js'
import { canonicalHeaders } from './canonical-headers.js'
import { canonicalQuery, parseQuery } from './canonical-query.js'
import { canonicalRequest } from './canonical-request.js'
import { canonicalUri } from './canonical-uri.js'
import type { CanonicalUriOptions } from './canonical-uri.js'
import { formatCredentialScope } from './credential-scope.js'
import type { CredentialScope } from './credential-scope.js'
import type { SignableRequest } from './request.js'
import { signature } from './signature.js'
import { formatSignedHeaders } from './signed-headers.js'
import { signingKey } from './signing-key.js'
import type { SigningKeyCache } from './signing-key.js'
import { stringToSign } from './string-to-sign.js'

export interface SignatureInput {
  request: SignableRequest
  /** Signed header names in the order they are signed (sorted, for anything we produce). */
  signedHeaders: readonly string[]
  /** Query parameters (decoded names) that are not part of the canonical query. */
  excludeQuery?: readonly string[]
  payloadHash: string
  amzDate: string
  scope: CredentialScope
  uri?: CanonicalUriOptions
}

export interface ComputedSignature {
  canonicalRequest: string
  stringToSign: string
  signature: string
}

export const computeSignature = (
  crypto: Sigv4Crypto,
  secretAccessKey: string,
  input: SignatureInput,
  cache?: SigningKeyCache,
): ComputedSignature => {
  const canonical = canonicalRequest({
    method: input.request.method,
    canonicalUri: canonicalUri(input.request.path, input.uri),
    canonicalQuery: canonicalQuery(parseQuery(input.request.query), input.excludeQuery),
    canonicalHeaders: canonicalHeaders(input.request, input.signedHeaders),
    signedHeaders: formatSignedHeaders(input.signedHeaders),
    payloadHash: input.payloadHash,
  })
  const toSign = stringToSign(crypto, input.amzDate, formatCredentialScope(input.scope), canonical)
  const key = signingKey(crypto, secretAccessKey, input.scope, cache)
  return {
    canonicalRequest: canonical,
    stringToSign: toSign,
    signature: signature(crypto, key, toSign),
  }
}

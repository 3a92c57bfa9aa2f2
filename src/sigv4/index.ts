// SigV4, signing and verifying: the public surface of src/sigv4 (pure; hashing is injected).

export type { Sigv4Crypto } from './crypto.js'
export { toHex } from './crypto.js'
export { constantTimeEqual, constantTimeEqualBytes } from './constant-time.js'
export type { SignableRequest } from './request.js'
export {
  ALGORITHM,
  EMPTY_SHA256,
  MAX_PRESIGN_EXPIRES_SECONDS,
  SCOPE_TERMINATOR,
  UNSIGNED_PAYLOAD,
} from './request.js'
export { amzDay, formatAmzDate, parseAmzDate } from './amz-date.js'
export { uriEncode } from './uri-encode.js'
export type { CanonicalUriOptions } from './canonical-uri.js'
export { canonicalUri, normalizePath } from './canonical-uri.js'
export type { QueryParameter } from './canonical-query.js'
export { canonicalQuery, parseQuery } from './canonical-query.js'
export { canonicalHeaderValue, canonicalHeaders } from './canonical-headers.js'
export { formatSignedHeaders, parseSignedHeaders, signedHeaderNames } from './signed-headers.js'
export { payloadHash } from './payload-hash.js'
export type { CanonicalRequestParts } from './canonical-request.js'
export { canonicalRequest } from './canonical-request.js'
export type { CredentialScope } from './credential-scope.js'
export { formatCredentialScope } from './credential-scope.js'
export { stringToSign } from './string-to-sign.js'
export { SigningKeyCache, deriveSigningKey, signingKey } from './signing-key.js'
export { signature } from './signature.js'
export type { ComputedSignature, SignatureInput } from './compute-signature.js'
export { computeSignature } from './compute-signature.js'
export type { Credentials, PresignOptions, SignOptions, SignedRequest } from './sign.js'
export { presignRequest, signRequest } from './sign.js'
export type { ParsedSignature } from './parse-signature.js'
export { parseSignature } from './parse-signature.js'
export type {
  CheckOptions,
  PrecheckOptions,
  PrecheckedSignature,
  VerifyOptions,
  VerifyResult,
} from './verify-signature.js'
export {
  SIGNATURE_MISMATCH_MESSAGE,
  checkSignature,
  precheckSignature,
  verifySignature,
} from './verify-signature.js'

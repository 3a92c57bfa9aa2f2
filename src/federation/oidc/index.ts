// The public surface of OIDC web identity verification, for sts/ and the composition root.
export { verifyWebIdentityToken } from './verify-web-identity-token.js'
export type {
  VerifiedWebIdentity,
  VerifyWebIdentityTokenOptions,
} from './verify-web-identity-token.js'
export { JwksCache } from './jwks-cache.js'
export type { JwksCacheOptions, ResolveKeys } from './jwks-cache.js'
export { createHttpsFetch } from './https-fetch.js'
export type { HttpsFetch, HttpsFetchOptions } from './https-fetch.js'
export type { FetchLike, FetchResponseLike, TlsThumbprint } from './fetch-like.js'
export { findProvider, issuerHostPath } from './find-provider.js'
export type { LookupProvider, OidcProvider } from './find-provider.js'
export { ALLOWED_ALGORITHMS, checkAlgorithm, isAllowedAlgorithm } from './check-algorithm.js'
export type { AllowedAlgorithm } from './check-algorithm.js'
export { decodeJws, decodeToken } from './decode-token.js'
export type { DecodedJws, DecodedToken, JsonObject } from './decode-token.js'
export { checkAudience } from './check-audience.js'
export { checkTimes, MAX_CLOCK_SKEW_SECONDS } from './check-times.js'
export { checkSignature, tokenRefusal } from './verify-signature.js'
export type { VerifiedSignature } from './verify-signature.js'
export {
  MIN_RSA_MODULUS_BITS,
  prepareVerificationKey,
  prepareVerificationKeys,
} from './prepare-verification-keys.js'
export type { KeyFamily, UsableKey, VerificationKey } from './prepare-verification-keys.js'
export { selectVerificationKeys } from './select-verification-keys.js'
export type { KeySelection } from './select-verification-keys.js'
export { deriveConditionKeys } from './derive-condition-keys.js'
export type { ConditionKeyValue } from './derive-condition-keys.js'
export { readSessionTags, SESSION_TAGS_CLAIM } from './read-session-tags.js'
export type { SessionTags } from './read-session-tags.js'

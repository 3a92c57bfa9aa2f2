// The public surface of the built-in OIDC issuers, for the admin API, http/ and the composition root.
export { BuiltInIssuers } from './built-in-issuers.js'
export type { BuiltInIssuersOptions, BuiltInKeys } from './built-in-issuers.js'
export {
  DISCOVERY_SUFFIX,
  ISSUERS_PATH,
  ISSUER_NAME_MAX,
  ISSUER_NAME_PATTERN,
  JWKS_SUFFIX,
  builtInIssuerRef,
  discoveryDocument,
  issuerUrl,
  jwksDocument,
} from './discovery.js'
export type { DiscoveryDocument, IssuerRef } from './discovery.js'
export {
  DEFAULT_ISSUER_ALGORITHM,
  DEFAULT_TOKEN_TTL_SECONDS,
  ISSUER_ALGORITHMS,
  KEY_RETENTION_MS,
  MAX_TOKEN_TTL_SECONDS,
  generateIssuerKey,
  isIssuerAlgorithm,
  isPublished,
  planRotation,
  publishedKeys,
  signingKey,
} from './issuer-keys.js'
export type { IssuerAlgorithm, Rotation } from './issuer-keys.js'
export { RESERVED_CLAIMS, kubernetesClaim, mintToken, stableUid } from './mint-token.js'
export type { MintedToken, TokenRequest } from './mint-token.js'

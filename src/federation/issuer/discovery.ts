// Where a built-in issuer lives and what it publishes: `PUBLIC_URL/issuers/NAME`, its OpenID
// discovery document and its JWKS, shaped like the ones a Kubernetes API server serves.
import type { JWK } from 'jose'
import type { IssuerAlgorithm } from './issuer-keys.js'

/** Issuer names are URL path segments: letters, digits, `-` and `_`, 1 to 64 characters. */
export const ISSUER_NAME_PATTERN = {
  regex: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  text: '[A-Za-z0-9][A-Za-z0-9_-]*',
}
export const ISSUER_NAME_MAX = 64

export const ISSUERS_PATH = '/issuers/'
export const DISCOVERY_SUFFIX = '/.well-known/openid-configuration'
export const JWKS_SUFFIX = '/keys'

export const issuerUrl = (publicUrl: string, name: string): string =>
  `${publicUrl.replace(/\/+$/, '')}${ISSUERS_PATH}${name}`

/** The issuer name of a URL under this server's `/issuers/`, or undefined for any other URL. */
export function builtInIssuerName(publicUrl: string, url: string): string | undefined {
  const prefix = issuerUrl(publicUrl, '')
  if (!url.startsWith(prefix)) return undefined
  const name = url.slice(prefix.length)
  return ISSUER_NAME_PATTERN.regex.test(name) && name.length <= ISSUER_NAME_MAX ? name : undefined
}

export interface DiscoveryDocument {
  issuer: string
  jwks_uri: string
  response_types_supported: string[]
  subject_types_supported: string[]
  id_token_signing_alg_values_supported: string[]
  claims_supported: string[]
}

export function discoveryDocument(
  url: string,
  algorithms: readonly IssuerAlgorithm[],
): DiscoveryDocument {
  return {
    issuer: url,
    jwks_uri: `${url}${JWKS_SUFFIX}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(algorithms)].sort(),
    claims_supported: ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub', 'kubernetes.io'],
  }
}

export const jwksDocument = (keys: readonly JWK[]): { keys: JWK[] } => ({ keys: [...keys] })

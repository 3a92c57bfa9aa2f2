// Where a built-in issuer lives and what it publishes: `PUBLIC_URL/issuers/ACCOUNT/NAME`, its
// OpenID discovery document and its JWKS, shaped like the ones a Kubernetes API server serves.
// The account is part of the URL so that no other account can ever serve a URL a role trusts.
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

/** A built-in issuer: names are unique within their account. */
export interface IssuerRef {
  readonly accountId: string
  readonly name: string
}

const ACCOUNT_ID = /^\d{12}$/

const issuersBase = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${ISSUERS_PATH}`

export const issuerUrl = (publicUrl: string, issuer: IssuerRef): string =>
  `${issuersBase(publicUrl)}${issuer.accountId}/${issuer.name}`

/** The issuer a URL under this server's `/issuers/` names, or undefined for any other URL. */
export function builtInIssuerRef(publicUrl: string, url: string): IssuerRef | undefined {
  const prefix = issuersBase(publicUrl)
  if (!url.startsWith(prefix)) return undefined
  const rest = url.slice(prefix.length)
  const slash = rest.indexOf('/')
  const accountId = rest.slice(0, slash)
  const name = rest.slice(slash + 1)
  const valid =
    slash > 0 &&
    ACCOUNT_ID.test(accountId) &&
    ISSUER_NAME_PATTERN.regex.test(name) &&
    name.length <= ISSUER_NAME_MAX
  return valid ? { accountId, name } : undefined
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

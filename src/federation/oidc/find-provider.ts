// Step 2: find the IAM OIDC provider registered for the token's issuer in the role's account. IAM
// names a provider by its URL without `https://` (host/path, trailing slash kept as registered).
import { invalidIdentityToken, noProviderFor } from './aws-messages.js'

export interface OidcProvider {
  /** host/path without the scheme, as IAM stores it; the prefix of the provider's condition keys. */
  readonly url: string
  readonly arn: string
  readonly clientIds: readonly string[]
  /** Uppercase or lowercase hex SHA-1 thumbprints; empty means none configured. */
  readonly thumbprints: readonly string[]
}

export type LookupProvider = (
  accountId: string,
  issuerHostPath: string,
) => Promise<OidcProvider | undefined>

export interface IssuerPolicy {
  /** Accept `http://` issuers on loopback addresses only; for development. */
  readonly allowHttpIssuers?: boolean
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

export const isLoopbackHost = (hostname: string) => LOOPBACK.test(hostname)

/**
 * The issuer's host/path (its IAM provider URL) when `iss` is an issuer we may talk to: https, or
 * http on loopback when allowed; no credentials, query or fragment.
 */
export function issuerHostPath(iss: string, policy: IssuerPolicy = {}): string | undefined {
  const match = /^(https?):\/\/([^/?#@]+)((?:\/[^?#]*)?)$/.exec(iss)
  if (!match) return undefined
  const [, scheme, authority, path] = match as unknown as [string, string, string, string]
  if (scheme === 'http') {
    if (policy.allowHttpIssuers !== true) return undefined
    const host = authority.replace(/:\d+$/, '')
    if (!isLoopbackHost(host)) return undefined
  }
  return authority + path
}

/**
 * Looks the provider up by the exact host/path first, then with the trailing slash toggled: IAM
 * keeps whatever was registered and issuers differ on whether `iss` ends in a slash.
 */
export async function findProvider(
  iss: string,
  accountId: string,
  lookup: LookupProvider,
  policy: IssuerPolicy = {},
): Promise<OidcProvider> {
  const hostPath = issuerHostPath(iss, policy)
  if (hostPath === undefined) throw invalidIdentityToken(noProviderFor(iss))
  const toggled = hostPath.endsWith('/') ? hostPath.slice(0, -1) : `${hostPath}/`
  const provider =
    (await lookup(accountId, hostPath)) ??
    (toggled.length > 0 && !toggled.startsWith('/') ? await lookup(accountId, toggled) : undefined)
  if (provider === undefined) throw invalidIdentityToken(noProviderFor(iss))
  return provider
}

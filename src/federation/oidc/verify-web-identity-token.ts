// The verification half of AssumeRoleWithWebIdentity as a pipeline of named checks: decode, pin the
// algorithm, find the provider, check the audience, verify the signature, check the times, then
// derive condition keys and session tags. Trust-policy evaluation and credentials come after.
import type { JWK } from 'jose'
import type { Clock } from '../../core/clock.js'
import type { Tag } from '../../core/input.js'
import { MISSING_SUBJECT, invalidIdentityToken } from './aws-messages.js'
import { checkAlgorithm } from './check-algorithm.js'
import type { AllowedAlgorithm } from './check-algorithm.js'
import { checkAudience } from './check-audience.js'
import { checkTimes } from './check-times.js'
import { decodeToken } from './decode-token.js'
import type { JsonObject } from './decode-token.js'
import { deriveConditionKeys } from './derive-condition-keys.js'
import type { ConditionKeyValue } from './derive-condition-keys.js'
import { findProvider } from './find-provider.js'
import type { LookupProvider, OidcProvider } from './find-provider.js'
import type { ResolveKeys } from './jwks-cache.js'
import { readSessionTags } from './read-session-tags.js'
import { checkSignature } from './verify-signature.js'

export interface VerifyWebIdentityTokenOptions {
  /** The account that owns the role being assumed; providers are looked up there. */
  readonly accountId: string
  readonly lookupProvider: LookupProvider
  /** Usually `new JwksCache(...).resolveKeys`; in-process issuers supply their own keys. */
  readonly resolveKeys: ResolveKeys
  readonly clock: Clock
  /** Allowed clock skew for exp/nbf/iat, 0-60 s. Default 60. */
  readonly clockSkewSeconds?: number
  /** Accept `http://` issuers on loopback hosts (development only). */
  readonly allowHttpIssuers?: boolean
}

export interface VerifiedWebIdentity {
  /** `iss` exactly as in the token (returned by STS as Provider for OIDC tokens). */
  readonly issuer: string
  readonly provider: OidcProvider
  readonly subject: string
  /** The client ID the token was accepted for (STS's Audience). */
  readonly audience: string
  readonly algorithm: AllowedAlgorithm
  readonly keyId?: string
  readonly header: JsonObject
  readonly claims: JsonObject
  readonly expiresAt: Date
  readonly issuedAt?: Date
  readonly notBefore?: Date
  /** Keys for the trust policy's request context: `ISSUER:aud|oaud|sub|azp|amr`, aws:FederatedProvider. */
  readonly conditionKeys: Readonly<Record<string, ConditionKeyValue>>
  readonly sessionTags: readonly Tag[]
  readonly transitiveTagKeys: readonly string[]
  /** The JWK (public members and kid) that verified the signature. */
  readonly verificationKey: JWK
}

/** Runs every check in order; the first failure throws its AwsError and nothing else happens. */
export async function verifyWebIdentityToken(
  token: string,
  options: VerifyWebIdentityTokenOptions,
): Promise<VerifiedWebIdentity> {
  const decoded = decodeToken(token)
  const algorithm = checkAlgorithm(decoded.header)
  const policy = options.allowHttpIssuers === true ? { allowHttpIssuers: true } : {}
  const provider = await findProvider(
    decoded.issuer,
    options.accountId,
    options.lookupProvider,
    policy,
  )
  const audience = checkAudience(decoded.claims, provider)
  const kid = typeof decoded.header['kid'] === 'string' ? decoded.header['kid'] : undefined
  const keys = await options.resolveKeys(decoded.issuer, kid, provider)
  // jose checks the very segments decodeToken read, so the claims read there are the ones signed.
  const signature = await checkSignature(decoded, algorithm, keys)
  const times = checkTimes(decoded.claims, options.clock.now(), options.clockSkewSeconds)
  const subject = decoded.claims['sub']
  if (typeof subject !== 'string' || subject === '') throw invalidIdentityToken(MISSING_SUBJECT)
  const { tags, transitiveTagKeys } = readSessionTags(decoded.claims)
  const verified: { -readonly [K in keyof VerifiedWebIdentity]: VerifiedWebIdentity[K] } = {
    issuer: decoded.issuer,
    provider,
    subject,
    audience: audience.audience,
    algorithm,
    header: decoded.header,
    claims: decoded.claims,
    expiresAt: times.expiresAt,
    conditionKeys: deriveConditionKeys(provider, decoded.claims, audience),
    sessionTags: tags,
    transitiveTagKeys,
    verificationKey: signature.key,
  }
  // Optional members are set, not spread: this runs on every call (bench/sts/HISTORY.md, "Costs
  // noted in the code").
  if (kid !== undefined) verified.keyId = kid
  if (times.issuedAt !== undefined) verified.issuedAt = times.issuedAt
  if (times.notBefore !== undefined) verified.notBefore = times.notBefore
  return verified
}

// The token a pod's projected `aws-iam-token` volume holds: signed by the cluster's issuer, `sub`
// system:serviceaccount:NS:NAME, `aud` a list, and the `kubernetes.io` claim naming the
// namespace, the service account (with its stored uid) and, when given, the pod. What kubelet
// would ask the TokenRequest API for is the default: the service account's audience and lifetime.
import { mintToken } from '../../federation/issuer/index.js'
import type { MintedToken } from '../../federation/issuer/index.js'
import type { IssuerKeyRecord } from '../../store/ports.js'
import type { ServiceAccount } from '../objects.js'
import {
  AUDIENCE_ANNOTATION,
  DEFAULT_AUDIENCE,
  DEFAULT_TOKEN_EXPIRATION,
  MIN_TOKEN_EXPIRATION,
  TOKEN_EXPIRATION_ANNOTATION,
  tokenExpiration,
} from './annotations.js'

/**
 * The longest lifetime a cluster's token gets: EKS's --service-account-max-token-expiration (24
 * hours), which is also the longest a built-in issuer signs for.
 */
export const MAX_SERVICE_ACCOUNT_TOKEN_SECONDS = DEFAULT_TOKEN_EXPIRATION
export const MIN_SERVICE_ACCOUNT_TOKEN_SECONDS = MIN_TOKEN_EXPIRATION

export interface ServiceAccountTokenRequest {
  issuerUrl: string
  account: ServiceAccount
  /** Empty or absent: the service account's `eks.amazonaws.com/audience`, else sts.amazonaws.com. */
  audiences?: readonly string[] | undefined
  /** Absent: the service account's `token-expiration` (at least 600), else 86400; at most 86400. */
  ttlSeconds?: number | undefined
  pod?: string | undefined
  now: Date
}

/** The audiences and lifetime the projected volume of a pod using `account` would ask for. */
export function projectedDefaults(account: ServiceAccount): { audience: string; ttl: number } {
  const annotations = account.metadata.annotations ?? {}
  const own = (key: string) => (Object.hasOwn(annotations, key) ? annotations[key] : undefined)
  return {
    audience: own(AUDIENCE_ANNOTATION) ?? DEFAULT_AUDIENCE,
    ttl: tokenExpiration(own(TOKEN_EXPIRATION_ANNOTATION)) ?? DEFAULT_TOKEN_EXPIRATION,
  }
}

export function mintServiceAccountToken(
  key: IssuerKeyRecord,
  request: ServiceAccountTokenRequest,
): Promise<MintedToken> {
  const { account } = request
  const defaults = projectedDefaults(account)
  const audiences =
    request.audiences === undefined || request.audiences.length === 0
      ? [defaults.audience]
      : request.audiences
  const ttl = Math.min(request.ttlSeconds ?? defaults.ttl, MAX_SERVICE_ACCOUNT_TOKEN_SECONDS)
  return mintToken(key, {
    issuerUrl: request.issuerUrl,
    subject: `system:serviceaccount:${account.metadata.namespace ?? ''}:${account.metadata.name}`,
    audiences,
    ttlSeconds: ttl,
    now: request.now,
    ...(request.pod === undefined ? {} : { pod: request.pod }),
    ...(account.metadata.uid === undefined ? {} : { serviceAccountUid: account.metadata.uid }),
  })
}

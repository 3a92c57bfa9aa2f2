// Mints a built-in issuer's token. For a `system:serviceaccount:NS:SA` subject it has the shape of
// a Kubernetes projected service-account token: `aud` as a list and the `kubernetes.io` claim with
// namespace, service account {name, uid} and, when given, pod {name, uid}.
import { createHash, randomUUID } from 'node:crypto'
import { SignJWT, importJWK } from 'jose'
import type { JWK, JWTPayload } from 'jose'
import type { IssuerKeyRecord } from '../../store/ports.js'

/** Claims the issuer sets itself; `--claim` may not override them. */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'kubernetes.io']

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/

export interface TokenRequest {
  issuerUrl: string
  subject: string
  audiences: readonly string[]
  ttlSeconds: number
  now: Date
  /** Extra claims; none of RESERVED_CLAIMS. */
  claims?: Readonly<Record<string, unknown>>
  /** The pod a service-account token is bound to. */
  pod?: string
  /** The service account's own uid (a cluster's stored object); derived from its name if absent. */
  serviceAccountUid?: string
  /** The token id; random unless given. */
  jti?: string
}

export interface MintedToken {
  token: string
  claims: JWTPayload
  expiresAt: Date
}

/**
 * A UUID-shaped id derived from what names an object, so one service account (or pod) keeps its
 * uid across tokens, as it would in a cluster.
 */
export function stableUid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The `kubernetes.io` claim for a service-account subject; undefined for any other subject. */
export function kubernetesClaim(
  issuerUrl: string,
  subject: string,
  pod?: string,
  serviceAccountUid?: string,
): Record<string, unknown> | undefined {
  const match = SERVICE_ACCOUNT.exec(subject)
  if (!match) return undefined
  const [, namespace, name] = match as unknown as [string, string, string]
  return {
    namespace,
    ...(pod === undefined
      ? {}
      : { pod: { name: pod, uid: stableUid(issuerUrl, 'pod', namespace, pod) } }),
    serviceaccount: {
      name,
      uid: serviceAccountUid ?? stableUid(issuerUrl, 'serviceaccount', namespace, name),
    },
  }
}

export async function mintToken(key: IssuerKeyRecord, request: TokenRequest): Promise<MintedToken> {
  const iat = Math.floor(request.now.getTime() / 1000)
  const exp = iat + request.ttlSeconds
  const kubernetes = kubernetesClaim(
    request.issuerUrl,
    request.subject,
    request.pod,
    request.serviceAccountUid,
  )
  const claims: JWTPayload = {
    ...request.claims,
    // Kubernetes always sends a list; a lone audience elsewhere is the usual plain string.
    aud:
      kubernetes !== undefined || request.audiences.length !== 1
        ? [...request.audiences]
        : (request.audiences[0] ?? ''),
    exp,
    iat,
    iss: request.issuerUrl,
    jti: request.jti ?? randomUUID(),
    ...(kubernetes === undefined ? {} : { 'kubernetes.io': kubernetes }),
    nbf: iat,
    sub: request.subject,
  }
  const privateKey = await importJWK(JSON.parse(key.privateJwk) as JWK, key.algorithm)
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.algorithm, kid: key.kid })
    .sign(privateKey)
  return { token, claims, expiresAt: new Date(exp * 1000) }
}

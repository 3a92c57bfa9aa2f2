// The signer, for our own CLI and tests: the Authorization-header form and the presigned-query form.

import { amzDay, formatAmzDate } from './amz-date.js'
import type { CanonicalUriOptions } from './canonical-uri.js'
import { computeSignature } from './compute-signature.js'
import type { Sigv4Crypto } from './crypto.js'
import { formatCredentialScope } from './credential-scope.js'
import type { CredentialScope } from './credential-scope.js'
import { payloadHash } from './payload-hash.js'
import { ALGORITHM, MAX_PRESIGN_EXPIRES_SECONDS } from './request.js'
import type { SignableRequest } from './request.js'
import { formatSignedHeaders, signedHeaderNames } from './signed-headers.js'
import type { SigningKeyCache } from './signing-key.js'
import { uriEncode } from './uri-encode.js'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SignOptions extends CanonicalUriOptions {
  crypto: Sigv4Crypto
  region: string
  service: string
  /** The signing time (X-Amz-Date). */
  date: Date
  /** Header form: also send and sign `x-amz-content-sha256` with the body's hash. */
  signBody?: boolean
  /** Add the session token after signing, so it is sent but not signed (some services want that). */
  omitSessionToken?: boolean
  keyCache?: SigningKeyCache
}

export interface PresignOptions extends Omit<SignOptions, 'signBody'> {
  /** X-Amz-Expires, in whole seconds, 1 to 604800. */
  expiresIn: number
}

export interface SignedRequest {
  /** The request with the signature added (headers for signRequest, query for presignRequest). */
  request: SignableRequest
  canonicalRequest: string
  stringToSign: string
  signature: string
}

type Header = readonly [name: string, value: string]

const scopeOf = (options: SignOptions | PresignOptions): CredentialScope => ({
  date: amzDay(options.date),
  region: options.region,
  service: options.service,
})

const requireHost = (signed: readonly string[]): void => {
  // The verifier refuses requests that do not sign host, so refuse to produce one.
  if (!signed.includes('host'))
    throw new Error('sigv4: cannot sign a request without a host header')
}

/** Signs with `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export const signRequest = (
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions,
): SignedRequest => {
  const { crypto } = options
  const amzDate = formatAmzDate(options.date)
  const scope = scopeOf(options)
  const hash = payloadHash(crypto, request.body)
  const token = credentials.sessionToken

  // Re-signing replaces what an earlier signature added.
  const replaced = new Set(['authorization', 'x-amz-date'])
  const headers: Header[] = request.headers.filter(([name]) => !replaced.has(name.toLowerCase()))
  headers.push(['X-Amz-Date', amzDate])
  if (token !== undefined && !options.omitSessionToken)
    headers.push(['X-Amz-Security-Token', token])
  if (options.signBody) headers.push(['x-amz-content-sha256', hash])

  const unsigned: SignableRequest = { ...request, headers }
  const signed = signedHeaderNames(unsigned)
  requireHost(signed)
  const computed = computeSignature(
    crypto,
    credentials.secretAccessKey,
    { request: unsigned, signedHeaders: signed, payloadHash: hash, amzDate, scope, uri: options },
    options.keyCache,
  )

  if (token !== undefined && options.omitSessionToken) headers.push(['X-Amz-Security-Token', token])
  headers.push([
    'Authorization',
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${formatCredentialScope(scope)}, ` +
      `SignedHeaders=${formatSignedHeaders(signed)}, Signature=${computed.signature}`,
  ])
  return { ...computed, request: { ...request, headers } }
}

const appendQuery = (query: string, pairs: readonly (readonly [string, string])[]): string =>
  [query, ...pairs.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)]
    .filter((piece) => piece !== '')
    .join('&')

/** Signs into the query string (a presigned URL), valid for `expiresIn` seconds. */
export const presignRequest = (
  request: SignableRequest,
  credentials: Credentials,
  options: PresignOptions,
): SignedRequest => {
  const { crypto, expiresIn } = options
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new RangeError(`sigv4: expiresIn must be 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} seconds`)
  }
  const amzDate = formatAmzDate(options.date)
  const scope = scopeOf(options)
  const signed = signedHeaderNames(request)
  requireHost(signed)
  const token = credentials.sessionToken
  const authParameters: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${formatCredentialScope(scope)}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-SignedHeaders', formatSignedHeaders(signed)],
    ['X-Amz-Expires', String(expiresIn)],
  ]
  if (token !== undefined && !options.omitSessionToken) {
    authParameters.push(['X-Amz-Security-Token', token])
  }
  const unsigned: SignableRequest = {
    ...request,
    query: appendQuery(request.query, authParameters),
  }
  const computed = computeSignature(
    crypto,
    credentials.secretAccessKey,
    {
      request: unsigned,
      signedHeaders: signed,
      excludeQuery: ['X-Amz-Signature'],
      payloadHash: payloadHash(crypto, request.body),
      amzDate,
      scope,
      uri: options,
    },
    options.keyCache,
  )
  const trailing: [string, string][] = []
  if (token !== undefined && options.omitSessionToken)
    trailing.push(['X-Amz-Security-Token', token])
  trailing.push(['X-Amz-Signature', computed.signature])
  return { ...computed, request: { ...unsigned, query: appendQuery(unsigned.query, trailing) } }
}

// Step 1 of EKS token authentication: the checks aws-iam-authenticator makes before it asks STS
// (size, prefix, base64url, URL, host, path, query allowlist, action, signed cluster header,
// X-Amz-Expires, age), in its order and with its messages, plus what rolegate adds: a token dated
// in the future is refused, and Action and Version must be STS's, spelt as STS reads them.
import { Buffer } from 'node:buffer'
import { parseAmzDate } from '../../sigv4/amz-date.js'
import { formatError } from './token-rejection.js'

export const TOKEN_PREFIX = 'k8s-aws-v1.'
/** aws-iam-authenticator's maxTokenLenBytes. */
export const MAX_TOKEN_BYTES = 4096
/** The header that binds a token to one cluster; its value is the cluster's name. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id'
/**
 * STS honours a presigned GetCallerIdentity URL for 15 minutes after its X-Amz-Date whatever its
 * X-Amz-Expires says (the AWS CLI writes 60), and so does the authenticator.
 */
export const TOKEN_LIFETIME_SECONDS = 15 * 60
/** The largest X-Amz-Expires the authenticator lets through. */
export const MAX_EXPIRES_SECONDS = 900
export const STS_VERSION = '2011-06-15'

/** The query parameters a token's URL may carry (compared in lower case), as the authenticator. */
export const ALLOWED_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
])

/** One URL rolegate's STS answers at; a token's presigned URL must name one of them. */
export interface StsEndpoint {
  /** `https` (or `http` when rolegate serves plain HTTP), without the colon. */
  scheme: string
  /** Host and port as a URL's authority, lower case, without a default port. */
  host: string
  /** The path STS requests go to: `/` for an origin. */
  path: string
}

/** An endpoint from a URL such as rolegate's public URL. */
export function stsEndpoint(url: string): StsEndpoint {
  const parsed = new URL(url)
  return { scheme: parsed.protocol.slice(0, -1), host: parsed.host, path: parsed.pathname }
}

/** A token that passed the format checks: the presigned call it carries, parts as sent. */
export interface PresignedCall {
  /** The endpoint the URL names. */
  endpoint: StsEndpoint
  /** The URL's authority exactly as written: the Host header the signer signed. */
  host: string
  /** Path and query exactly as written (the query without its `?`). */
  path: string
  query: string
  /** The key id of X-Amz-Credential (the UserInfo's `accessKeyId`). */
  accessKeyId: string
  /** X-Amz-Date. */
  signedAt: Date
}

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/s
// Control characters, space and backslash: WHATWG parsers drop or rewrite them, so a URL holding
// one could mean two things to two readers.
const hasUnsafeCharacter = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return true
  }
  return false
}
const BASE64URL_CHARACTER = /[^A-Za-z0-9_-]/
const EXPIRES = /^[+-]?\d+$/

/** base64url without padding, strictly: Node's own decoder would skip what it cannot read. */
function decodeBase64Url(text: string): Uint8Array {
  const bad = BASE64URL_CHARACTER.exec(text)
  if (bad) throw formatError(`illegal base64 data at input byte ${bad.index}`)
  // Four characters carry three bytes; a lone character after the last full group carries none.
  if (text.length % 4 === 1) throw formatError(`illegal base64 data at input byte ${text.length}`)
  return Buffer.from(text, 'base64url')
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Percent-decoding as Go's url.QueryUnescape does it: `+` is a space, a bad escape an error. */
function unescapeQuery(text: string): string | undefined {
  const spaced = text.replaceAll('+', ' ')
  if (/%(?![0-9A-Fa-f]{2})/.test(spaced)) return undefined
  try {
    return decodeURIComponent(spaced)
  } catch {
    // Escapes that do not spell UTF-8.
    return undefined
  }
}

/** The query's parameters by name as sent, each with its values; undefined when malformed. */
function parseQuery(query: string): Map<string, string[]> | undefined {
  const parameters = new Map<string, string[]>()
  for (const piece of query.split('&')) {
    if (piece === '') continue
    // Go refuses `;` as a separator, and so anywhere in a pair.
    if (piece.includes(';')) return undefined
    const equals = piece.indexOf('=')
    const name = unescapeQuery(equals < 0 ? piece : piece.slice(0, equals))
    const value = unescapeQuery(equals < 0 ? '' : piece.slice(equals + 1))
    if (name === undefined || value === undefined) return undefined
    if (name === '') continue
    const values = parameters.get(name)
    if (values) values.push(value)
    else parameters.set(name, [value])
  }
  return parameters
}

/** Go's time.Time text, as the authenticator's messages print X-Amz-Date. */
const goTime = (date: Date): string =>
  `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`

const withoutTrailingSlash = (path: string): string => path.replace(/\/+$/, '')

function findEndpoint(
  scheme: string,
  host: string,
  endpoints: readonly StsEndpoint[],
): StsEndpoint {
  const sameScheme = endpoints.filter((endpoint) => endpoint.scheme === scheme)
  if (sameScheme.length === 0) throw formatError(`unexpected scheme "${scheme}" in pre-signed URL`)
  const lowerHost = host.toLowerCase()
  const endpoint = sameScheme.find((candidate) => candidate.host === lowerHost)
  if (!endpoint) throw formatError(`unexpected hostname "${host}" in pre-signed URL`)
  return endpoint
}

/** The one value of each allowed parameter, keyed in lower case; refuses anything else. */
function checkParameters(parameters: Map<string, string[]>): Map<string, string> {
  const seen = new Set<string>()
  for (const name of parameters.keys()) {
    const lower = name.toLowerCase()
    if (seen.has(lower)) throw formatError(`duplicate query parameter found: "${name}"`)
    seen.add(lower)
  }
  const byLowerName = new Map<string, string>()
  for (const [name, values] of parameters) {
    const lower = name.toLowerCase()
    if (!ALLOWED_QUERY_PARAMETERS.has(lower)) {
      throw formatError(`non-whitelisted query parameter "${name}"`)
    }
    const [value] = values
    if (value === undefined || values.length !== 1) {
      throw formatError('query parameter with multiple values not supported')
    }
    byLowerName.set(lower, value)
  }
  return byLowerName
}

export interface ReadTokenOptions {
  /** rolegate's STS endpoints: the only URLs a token may name. */
  endpoints: readonly StsEndpoint[]
  now: Date
}

/**
 * The presigned GetCallerIdentity call a token carries, once it passes every check that needs no
 * secret. Throws a TokenRejection of kind 'format'.
 */
export function readToken(token: string, options: ReadTokenOptions): PresignedCall {
  if (token.length > MAX_TOKEN_BYTES || Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
    throw formatError('token is too large')
  }
  if (!token.startsWith(TOKEN_PREFIX)) {
    throw formatError(`token is missing expected "${TOKEN_PREFIX}" prefix`)
  }
  let url: string
  try {
    url = utf8.decode(decodeBase64Url(token.slice(TOKEN_PREFIX.length)))
  } catch (error) {
    if (error instanceof TypeError) throw formatError('pre-signed URL is not UTF-8')
    throw error
  }
  if (hasUnsafeCharacter(url)) throw formatError('invalid character in pre-signed URL')
  const parts = URL_PARTS.exec(url)
  if (!parts) throw formatError('pre-signed URL is not an absolute URL')
  const [, scheme = '', host = '', path = '', query = '', fragment] = parts

  const endpoint = findEndpoint(scheme.toLowerCase(), host, options.endpoints)
  if (withoutTrailingSlash(path) !== withoutTrailingSlash(endpoint.path)) {
    throw formatError('unexpected path in pre-signed URL')
  }
  if (fragment !== undefined) throw formatError('unexpected fragment in pre-signed URL')

  const parameters = parseQuery(query)
  if (!parameters) throw formatError('malformed query parameter')
  const values = checkParameters(parameters)
  if (values.get('action') !== 'GetCallerIdentity') {
    throw formatError('unexpected action parameter in pre-signed URL')
  }
  const signedHeaders = (values.get('x-amz-signedheaders') ?? '').split(';')
  if (!signedHeaders.some((name) => name.toLowerCase() === CLUSTER_ID_HEADER)) {
    throw formatError(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`)
  }

  const expiresText = values.get('x-amz-expires') ?? ''
  const expires = EXPIRES.test(expiresText) ? Number(expiresText) : 0
  if (!EXPIRES.test(expiresText) || expires < 0 || expires > MAX_EXPIRES_SECONDS) {
    throw formatError(`invalid X-Amz-Expires parameter in pre-signed URL: ${expires}`)
  }

  const dateText = values.get('x-amz-date') ?? ''
  if (dateText === '') throw formatError('X-Amz-Date parameter must be present in pre-signed URL')
  const accessKeyId = (values.get('x-amz-credential') ?? '').split('/')[0] ?? ''
  const signedAt = parseAmzDate(dateText)
  if (!signedAt) {
    throw formatError(`error parsing X-Amz-Date parameter ${dateText} into format 20060102T150405Z`)
  }
  const now = options.now.getTime()
  if (now > signedAt.getTime() + TOKEN_LIFETIME_SECONDS * 1000) {
    throw formatError(
      `X-Amz-Date parameter is expired (${TOKEN_LIFETIME_SECONDS / 60} minute expiration) ${goTime(signedAt)}`,
    )
  }
  // Not the authenticator's (it leaves this to STS's clock skew): a token dated ahead would live
  // past its 15 minutes.
  if (signedAt.getTime() > now) {
    throw formatError(`X-Amz-Date parameter is in the future ${goTime(signedAt)}`)
  }
  // Not the authenticator's either: STS itself reads Action and Version by their exact names
  // (as rolegate's HTTP layer does) and answers only its own version.
  if (parameters.get('Version')?.[0] !== STS_VERSION) {
    throw formatError('unexpected version parameter in pre-signed URL')
  }
  if (parameters.get('Action')?.[0] !== 'GetCallerIdentity') {
    throw formatError('unexpected action parameter in pre-signed URL')
  }
  return { endpoint, host, path, query, accessKeyId, signedAt }
}

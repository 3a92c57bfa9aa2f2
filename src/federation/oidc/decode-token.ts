// Step 1: split a compact JWS into header, payload and signature with a strict base64url decoder;
// JSON-serialised JWS, padding, stray characters and non-canonical trailing bits are refused.
import { Buffer, isUtf8 } from 'node:buffer'
import { NOT_A_JWT, invalidIdentityToken } from './aws-messages.js'

export type JsonObject = Readonly<Record<string, unknown>>

export interface DecodedJws {
  /** The token exactly as received; signatures are checked over its first two segments. */
  readonly compact: string
  readonly header: JsonObject
  readonly payload: Buffer
  readonly signature: Buffer
}

export interface DecodedToken extends DecodedJws {
  readonly claims: JsonObject
  /** The `iss` claim verbatim. */
  readonly issuer: string
}

const BASE64URL = /^[A-Za-z0-9_-]*$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** By length % 4: the bits of the last character that carry no data (Buffer drops them). */
const UNUSED_BITS = [0, 0, 0b1111, 0b11]

/** True when the unused bits are zero: any other value would spell the same bytes again. */
function isCanonical(segment: string): boolean {
  const unused = UNUSED_BITS[segment.length % 4] ?? 0
  return unused === 0 || (ALPHABET.indexOf(segment.charAt(segment.length - 1)) & unused) === 0
}

function decodeSegment(segment: string): Buffer | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1 || !isCanonical(segment)) {
    return undefined
  }
  return Buffer.from(segment, 'base64url')
}

/**
 * A JSON object from strict UTF-8. isUtf8 + toString costs less than a fatal TextDecoder; a byte
 * order mark is dropped as TextDecoder drops it.
 */
function parseObject(bytes: Buffer): JsonObject | undefined {
  if (!isUtf8(bytes)) return undefined
  const text = bytes.toString('utf8')
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    return value as JsonObject
  } catch {
    return undefined
  }
}

/** Decodes a compact JWS without trusting anything in it. Throws InvalidIdentityToken. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.')
  if (parts.length !== 3) throw invalidIdentityToken(NOT_A_JWT)
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  // An empty payload is a valid JWS (a JWT is refused later for lacking claims); the others are not.
  if (headerPart === '' || signaturePart === '') throw invalidIdentityToken(NOT_A_JWT)
  const headerBytes = decodeSegment(headerPart)
  const payload = decodeSegment(payloadPart)
  const signature = decodeSegment(signaturePart)
  const header = headerBytes && parseObject(headerBytes)
  if (!header || !payload || !signature) throw invalidIdentityToken(NOT_A_JWT)
  // An unencoded payload (RFC 7797) would change what the signature covers; a JWT never uses it.
  if ('b64' in header || 'crit' in header) throw invalidIdentityToken(NOT_A_JWT)
  return { compact: token, header, payload, signature }
}

/** Decodes a JWT: a compact JWS whose payload is a JSON object with a string `iss`. */
export function decodeToken(token: string): DecodedToken {
  const jws = decodeJws(token)
  const claims = parseObject(jws.payload)
  const issuer = claims?.['iss']
  if (!claims || typeof issuer !== 'string' || issuer === '') {
    throw invalidIdentityToken(NOT_A_JWT)
  }
  // Members spelled out: a spread of the decoded JWS costs as much as the rest of this function.
  const { compact, header, payload, signature } = jws
  return { compact, header, payload, signature, claims, issuer }
}

// Step 1: read a compact JWS's protected header and, for a JWT, its claims with jose, trusting
// nothing yet: the header names the algorithm and key, `iss` the provider. JSON serialisation,
// non-canonical base64url and RFC 7797 unencoded payloads are refused.
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { NOT_A_JWT, invalidIdentityToken } from './aws-messages.js'

export type JsonObject = Readonly<Record<string, unknown>>

export interface DecodedJws {
  /** The token exactly as received; jose verifies its signature. */
  readonly compact: string
  readonly header: JsonObject
}

export interface DecodedToken extends DecodedJws {
  readonly claims: JsonObject
  /** The `iss` claim verbatim. */
  readonly issuer: string
}

/**
 * True when `segment` is jose's own spelling of the bytes it decodes to. jose's decoder forgives
 * white space and stray trailing bits; each would give one token many spellings.
 */
function isCanonical(segment: string): boolean {
  try {
    return base64url.encode(base64url.decode(segment)) === segment
  } catch {
    return false
  }
}

/** Decodes a compact JWS's header without trusting anything in it. Throws InvalidIdentityToken. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.')
  if (parts.length !== 3) throw invalidIdentityToken(NOT_A_JWT)
  const [headerPart, , signaturePart] = parts as [string, string, string]
  // An empty payload is a valid JWS (a JWT is refused later for lacking claims); the others are not.
  if (headerPart === '' || signaturePart === '' || !parts.every(isCanonical)) {
    throw invalidIdentityToken(NOT_A_JWT)
  }
  let header: JsonObject
  try {
    header = decodeProtectedHeader(token)
  } catch {
    throw invalidIdentityToken(NOT_A_JWT)
  }
  // jose honours `crit: ["b64"]` with `b64: false` (RFC 7797), which changes what the signature
  // covers; a JWT never uses it, and no other critical extension is understood here.
  if ('b64' in header || 'crit' in header) throw invalidIdentityToken(NOT_A_JWT)
  return { compact: token, header }
}

/** Decodes a JWT: a compact JWS whose payload is a JSON object with a non-empty string `iss`. */
export function decodeToken(token: string): DecodedToken {
  const { compact, header } = decodeJws(token)
  let claims: JsonObject
  try {
    claims = decodeJwt(token)
  } catch {
    throw invalidIdentityToken(NOT_A_JWT)
  }
  const issuer = claims['iss']
  if (typeof issuer !== 'string' || issuer === '') throw invalidIdentityToken(NOT_A_JWT)
  return { compact, header, claims, issuer }
}

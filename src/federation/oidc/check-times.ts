// Step 5: `exp`, `nbf` and `iat` against an injected clock, with at most 60 seconds of skew. An
// expired token is ExpiredTokenException; the others are InvalidIdentityToken.
import { AwsError } from '../../core/errors.js'
import {
  ISSUED_IN_FUTURE,
  NOT_A_JWT,
  NOT_YET_VALID,
  invalidIdentityToken,
  tokenExpired,
} from './aws-messages.js'
import type { JsonObject } from './decode-token.js'

export const MAX_CLOCK_SKEW_SECONDS = 60

export interface TokenTimes {
  readonly expiresAt: Date
  readonly notBefore?: Date
  readonly issuedAt?: Date
}

const at = (seconds: number) => new Date(seconds * 1000)

function numericDate(claims: JsonObject, name: string): number | undefined {
  const value = claims[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidIdentityToken(NOT_A_JWT)
  return value
}

/** `skewSeconds` is clamped to 0..60. `exp` is required; `nbf` and `iat` are checked when present. */
export function checkTimes(
  claims: JsonObject,
  now: Date,
  skewSeconds: number = MAX_CLOCK_SKEW_SECONDS,
): TokenTimes {
  const skew = Math.min(Math.max(skewSeconds, 0), MAX_CLOCK_SKEW_SECONDS)
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const exp = numericDate(claims, 'exp')
  const nbf = numericDate(claims, 'nbf')
  const iat = numericDate(claims, 'iat')
  if (exp === undefined) throw invalidIdentityToken(NOT_A_JWT)
  if (nowSeconds - skew >= exp) {
    throw new AwsError('ExpiredTokenException', tokenExpired(nowSeconds, exp))
  }
  if (nbf !== undefined && nbf > nowSeconds + skew) throw invalidIdentityToken(NOT_YET_VALID)
  if (iat !== undefined && iat > nowSeconds + skew) throw invalidIdentityToken(ISSUED_IN_FUTURE)
  const times: { expiresAt: Date; notBefore?: Date; issuedAt?: Date } = { expiresAt: at(exp) }
  if (nbf !== undefined) times.notBefore = at(nbf)
  if (iat !== undefined) times.issuedAt = at(iat)
  return times
}

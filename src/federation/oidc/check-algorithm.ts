// Step 1b: the JWS `alg` must be on the allowlist of asymmetric algorithms. `none` and HS* never
// pass, whatever key is offered: a public key used as an HMAC secret is the classic forgery.
import { NOT_A_JWT, invalidIdentityToken } from './aws-messages.js'
import type { JsonObject } from './decode-token.js'

export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const

export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number]

export const isAllowedAlgorithm = (value: unknown): value is AllowedAlgorithm =>
  typeof value === 'string' && (ALLOWED_ALGORITHMS as readonly string[]).includes(value)

/** Returns the header's `alg` when allowed; otherwise InvalidIdentityToken. */
export function checkAlgorithm(header: JsonObject): AllowedAlgorithm {
  const alg = header['alg']
  if (!isAllowedAlgorithm(alg)) throw invalidIdentityToken(NOT_A_JWT)
  return alg
}

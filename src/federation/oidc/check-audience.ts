// Step 3: the token must be meant for one of the provider's client IDs. Following AWS's documented
// mapping, when `azp` is present it is the audience (`ISSUER:aud`) and `aud` becomes `ISSUER:oaud`.
import { INCORRECT_AUDIENCE, invalidIdentityToken } from './aws-messages.js'
import type { JsonObject } from './decode-token.js'
import type { OidcProvider } from './find-provider.js'

export interface CheckedAudience {
  /** The client ID the token was accepted for: `azp` when present, else the matching `aud`. */
  readonly audience: string
  /** Every `aud` value, in token order. */
  readonly audiences: readonly string[]
  readonly authorizedParty?: string
}

function readAudiences(aud: unknown): string[] | undefined {
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')) {
    return aud as string[]
  }
  return undefined
}

export function checkAudience(claims: JsonObject, provider: OidcProvider): CheckedAudience {
  const audiences = readAudiences(claims['aud'])
  const azp = claims['azp']
  if (audiences === undefined || (azp !== undefined && typeof azp !== 'string')) {
    throw invalidIdentityToken(INCORRECT_AUDIENCE)
  }
  const candidates = typeof azp === 'string' ? [azp] : audiences
  const audience = candidates.find((c) => provider.clientIds.includes(c))
  if (audience === undefined) throw invalidIdentityToken(INCORRECT_AUDIENCE)
  return typeof azp === 'string'
    ? { audience, audiences, authorizedParty: azp }
    : { audience, audiences }
}

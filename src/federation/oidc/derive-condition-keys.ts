// Step 6a: the condition keys a verified token contributes to the trust-policy request context,
// named after the provider URL as registered (e.g. `token.actions.githubusercontent.com:sub`).
// Mapping per AWS's web identity keys: `aud` is `azp` when present, `oaud` is the token's `aud`.
import type { CheckedAudience } from './check-audience.js'
import type { JsonObject } from './decode-token.js'
import type { OidcProvider } from './find-provider.js'
import { FrozenMemo } from './frozen-memo.js'

export type ConditionKeyValue = string | readonly string[]

interface KeyNames {
  readonly aud: string
  readonly oaud: string
  readonly sub: string
  readonly azp: string
  readonly amr: string
}

/**
 * The key names per cached (frozen) provider: the same strings on every call, so the request
 * context hashes them once instead of building and hashing five new ones per token.
 */
const names = new FrozenMemo<OidcProvider, KeyNames>()

const keyNamesOf = (provider: OidcProvider): KeyNames =>
  names.get(provider, () => {
    const prefix = provider.url
    return {
      aud: `${prefix}:aud`,
      oaud: `${prefix}:oaud`,
      sub: `${prefix}:sub`,
      azp: `${prefix}:azp`,
      amr: `${prefix}:amr`,
    }
  })

export function deriveConditionKeys(
  provider: OidcProvider,
  claims: JsonObject,
  audience: CheckedAudience,
): Record<string, ConditionKeyValue> {
  const name = keyNamesOf(provider)
  const keys: Record<string, ConditionKeyValue> = { 'aws:FederatedProvider': provider.arn }
  keys[name.aud] = audience.audience
  keys[name.oaud] =
    audience.audiences.length === 1 ? (audience.audiences[0] as string) : audience.audiences
  const sub = claims['sub']
  if (typeof sub === 'string') keys[name.sub] = sub
  if (audience.authorizedParty !== undefined) keys[name.azp] = audience.authorizedParty
  // `amr` is multi-valued: policies test it with ForAnyValue/ForAllValues.
  const amr = claims['amr']
  if (typeof amr === 'string') keys[name.amr] = [amr]
  else if (Array.isArray(amr) && amr.every((v) => typeof v === 'string')) {
    keys[name.amr] = amr as string[]
  }
  return keys
}

// Step 6a: the condition keys a verified token contributes to the trust-policy request context,
// named after the provider URL as registered (e.g. `token.actions.githubusercontent.com:sub`).
// Mapping per AWS's web identity keys: `aud` is `azp` when present, `oaud` is the token's `aud`.
import type { CheckedAudience } from './check-audience.js'
import type { JsonObject } from './decode-token.js'
import type { OidcProvider } from './find-provider.js'

export type ConditionKeyValue = string | readonly string[]

export function deriveConditionKeys(
  provider: OidcProvider,
  claims: JsonObject,
  audience: CheckedAudience,
): Record<string, ConditionKeyValue> {
  const prefix = provider.url
  const keys: Record<string, ConditionKeyValue> = { 'aws:FederatedProvider': provider.arn }
  keys[`${prefix}:aud`] = audience.audience
  keys[`${prefix}:oaud`] =
    audience.audiences.length === 1 ? (audience.audiences[0] as string) : audience.audiences
  const sub = claims['sub']
  if (typeof sub === 'string') keys[`${prefix}:sub`] = sub
  if (audience.authorizedParty !== undefined) keys[`${prefix}:azp`] = audience.authorizedParty
  // `amr` is multi-valued: policies test it with ForAnyValue/ForAllValues.
  const amr = claims['amr']
  if (typeof amr === 'string') keys[`${prefix}:amr`] = [amr]
  else if (Array.isArray(amr) && amr.every((v) => typeof v === 'string')) {
    keys[`${prefix}:amr`] = amr as string[]
  }
  return keys
}

// Step 6b: session tags an issuer passes in the `https://aws.amazon.com/tags` claim
// (`principal_tags`: key -> [single value], `transitive_tag_keys`: [key]), validated against IAM's
// tag rules: at most 50, keys 1-128 and values 0-256 characters of the tag alphabet, no `aws:`
// prefix, keys unique regardless of case, one value each, transitive keys among the tags passed.
import type { Tag } from '../../core/input.js'
import { invalidIdentityToken } from './aws-messages.js'
import type { JsonObject } from './decode-token.js'

export const SESSION_TAGS_CLAIM = 'https://aws.amazon.com/tags'
export const MAX_SESSION_TAGS = 50

export interface SessionTags {
  readonly tags: readonly Tag[]
  readonly transitiveTagKeys: readonly string[]
}

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const length = (s: string) => [...s].length

// AWS's wording for these refusals is not on record; the messages name the rule that failed.
const refuse = (why: string) => invalidIdentityToken(`Invalid session tags in the token: ${why}`)

function readValue(key: string, raw: unknown): string {
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw
  if (typeof value !== 'string') {
    throw refuse(`tag '${key}' must have exactly one string value`)
  }
  if (length(value) > 256 || !TAG_TEXT.test(value)) {
    throw refuse(`tag '${key}' has a value longer than 256 characters or with invalid characters`)
  }
  return value
}

export function readSessionTags(claims: JsonObject): SessionTags {
  const claim = claims[SESSION_TAGS_CLAIM]
  if (claim === undefined) return { tags: [], transitiveTagKeys: [] }
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw refuse(`${SESSION_TAGS_CLAIM} must be an object`)
  }
  const { principal_tags: principal = {}, transitive_tag_keys: transitive = [] } = claim as Record<
    string,
    unknown
  >
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) {
    throw refuse('principal_tags must be an object')
  }
  const entries = Object.entries(principal as Record<string, unknown>)
  if (entries.length > MAX_SESSION_TAGS) throw refuse(`more than ${MAX_SESSION_TAGS} tags`)
  const seen = new Set<string>()
  const tags = entries.map(([key, raw]) => {
    if (length(key) < 1 || length(key) > 128 || !TAG_TEXT.test(key)) {
      throw refuse(
        `tag key '${key}' must be 1-128 characters of letters, digits, spaces and _.:/=+-@`,
      )
    }
    if (key.toLowerCase().startsWith('aws:')) throw refuse(`tag key '${key}' uses the aws: prefix`)
    if (seen.has(key.toLowerCase())) throw refuse(`duplicate tag key '${key}'`)
    seen.add(key.toLowerCase())
    return { key, value: readValue(key, raw) }
  })
  if (!Array.isArray(transitive) || !transitive.every((k) => typeof k === 'string')) {
    throw refuse('transitive_tag_keys must be an array of strings')
  }
  for (const key of transitive as string[]) {
    if (!seen.has(key.toLowerCase())) {
      throw refuse(`transitive tag key '${key}' is not among principal_tags`)
    }
  }
  return { tags, transitiveTagKeys: transitive as string[] }
}

// Session tags for a new role session: the request's tags checked by AWS's rules, joined with the
// transitive tags the calling session passes on (role chaining). Transitive tags cannot be
// overridden, whatever the case of the key.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
import type { CallerSession } from '../core/caller.js'
import type { Tag } from '../core/input.js'
import {
  DUPLICATE_TAG_KEYS,
  TRANSITIVE_KEY_CONFLICT,
  TRANSITIVE_KEY_NOT_IN_TAGS,
  invalidParameterValue,
} from './aws-messages.js'

export interface SessionTagSet {
  /** What the new session carries: inherited transitive tags, then the request's. */
  tags: Tag[]
  transitiveTagKeys: string[]
  /** The tags the request itself passed (they need sts:TagSession). */
  requested: Tag[]
}

/** Throws InvalidParameterValue in AWS's words; nothing is issued then. */
export function sessionTagSet(
  requested: readonly Tag[] = [],
  transitiveKeys: readonly string[] = [],
  calling: CallerSession | undefined,
): SessionTagSet {
  // Most calls pass no tags and inherit none: nothing to check, nothing to join.
  if (requested.length === 0 && transitiveKeys.length === 0 && calling === undefined) {
    return { tags: [], transitiveTagKeys: [], requested: [] }
  }
  const keys = new Set<string>()
  for (const tag of requested) {
    const lower = tag.key.toLowerCase()
    if (keys.has(lower)) throw invalidParameterValue(DUPLICATE_TAG_KEYS)
    keys.add(lower)
  }
  for (const key of transitiveKeys) {
    if (!keys.has(key.toLowerCase())) throw invalidParameterValue(TRANSITIVE_KEY_NOT_IN_TAGS)
  }
  const inheritedKeys = new Set((calling?.transitiveTagKeys ?? []).map((k) => k.toLowerCase()))
  const inherited = (calling?.tags ?? []).filter((tag) => inheritedKeys.has(tag.key.toLowerCase()))
  for (const tag of requested) {
    if (inheritedKeys.has(tag.key.toLowerCase()))
      throw invalidParameterValue(TRANSITIVE_KEY_CONFLICT)
  }
  const transitive = [
    ...inherited.map((tag) => tag.key),
    // Keys named in TransitiveTagKeys keep the case of the tag they name.
    ...transitiveKeys.map(
      (key) => requested.find((tag) => tag.key.toLowerCase() === key.toLowerCase())?.key ?? key,
    ),
  ]
  return {
    tags: [...inherited.map((tag) => ({ ...tag })), ...requested.map((tag) => ({ ...tag }))],
    transitiveTagKeys: [...new Set(transitive)],
    requested: [...requested],
  }
}

/** The request context keys session tags add to sts:AssumeRole* and sts:TagSession. */
export function tagContext(set: SessionTagSet): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {}
  if (set.requested.length === 0) return context
  for (const tag of set.requested) context[`aws:RequestTag/${tag.key}`] = tag.value
  context['aws:TagKeys'] = set.requested.map((tag) => tag.key)
  if (set.transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = set.transitiveTagKeys
  return context
}

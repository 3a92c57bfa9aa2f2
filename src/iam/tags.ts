// Tag rules shared by every taggable IAM entity: duplicate and reserved keys, the 50-tag quota,
// merge and untag semantics, the TagKeys input list, and the authorisation context tags add.
import { invalidInput, limitExceeded } from '../core/errors.js'
import type { Field, Problems, Tag } from '../core/input.js'
import { memberName, memberValues, missing, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { AuthorizationContext } from './operation.js'

export const MAX_TAGS_PER_ENTITY = 50

/**
 * Users and roles treat keys case-insensitively (AWS keeps the first spelling and replaces the
 * value); managed policies and providers compare keys exactly.
 */
export interface TagKeyRules {
  caseSensitive: boolean
}

const CASE_INSENSITIVE: TagKeyRules = { caseSensitive: false }

const keyOf = (key: string, rules: TagKeyRules) => (rules.caseSensitive ? key : key.toLowerCase())

const RESERVED_PREFIX = 'aws:'

/**
 * Checks the tags of one request beyond their shape (which `tagList()` already checked): no key
 * twice, and none in the `aws:` namespace AWS keeps for itself.
 */
export function checkRequestTags(
  tags: readonly Tag[],
  rules: TagKeyRules = CASE_INSENSITIVE,
): void {
  const seen = new Set<string>()
  for (const tag of tags) {
    const key = keyOf(tag.key, rules)
    if (seen.has(key)) {
      throw invalidInput(
        rules.caseSensitive
          ? 'Duplicate tag keys found.'
          : 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
    }
    seen.add(key)
  }
  const reserved = tags.find((tag) => tag.key.toLowerCase().startsWith(RESERVED_PREFIX))
  if (reserved) {
    throw invalidInput(`Tag keys starting with 'aws:' are reserved for internal use.`)
  }
}

/**
 * The entity's tags after TagX: a key already present keeps its first spelling and position and
 * takes the new value; new keys are appended. Over 50 in total fails as a whole, in AWS's words
 * (`quota` is e.g. `TagsPerRole`).
 */
export function mergeTags(
  existing: readonly Tag[],
  incoming: readonly Tag[],
  quota: string,
  rules: TagKeyRules = CASE_INSENSITIVE,
): Tag[] {
  const merged = existing.map((tag) => ({ ...tag }))
  const index = new Map(merged.map((tag, i) => [keyOf(tag.key, rules), i]))
  for (const tag of incoming) {
    const at = index.get(keyOf(tag.key, rules))
    const current = at === undefined ? undefined : merged[at]
    if (current) {
      current.value = tag.value
    } else {
      index.set(keyOf(tag.key, rules), merged.length)
      merged.push({ key: tag.key, value: tag.value })
    }
  }
  if (merged.length > MAX_TAGS_PER_ENTITY) {
    throw limitExceeded(`Cannot exceed quota for ${quota}: ${MAX_TAGS_PER_ENTITY}`)
  }
  return merged
}

/** The entity's tags after UntagX; keys that are not there are ignored, as AWS does. */
export function removeTags(
  existing: readonly Tag[],
  keys: readonly string[],
  rules: TagKeyRules = CASE_INSENSITIVE,
): Tag[] {
  const drop = new Set(keys.map((key) => keyOf(key, rules)))
  return existing.filter((tag) => !drop.has(keyOf(tag.key, rules)))
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
const TAG_KEY_CONSTRAINT =
  'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]'

/**
 * The required `TagKeys.member.N` list of UntagX: 1 to 50 keys, each a valid tag key. AWS reports
 * a bad key against the whole list, quoting it.
 */
export function tagKeyList(): Field<string[]> {
  return {
    read(params, name, problems: Problems) {
      const keys = memberValues(params, name)
      if (keys.length === 0 && params[name] === undefined) {
        problems.add(missing(name))
        return []
      }
      const shown = `${problems.at(`[${keys.join(', ')}]`, memberName(name))} failed to satisfy constraint:`
      if (keys.length > MAX_TAGS_PER_ENTITY) {
        problems.add(
          `${shown} Member must have length less than or equal to ${MAX_TAGS_PER_ENTITY}`,
        )
      }
      const valid = (key: string) => [...key].length <= 128 && TAG_KEY.test(key)
      if (!keys.every(valid)) problems.add(`${shown} ${TAG_KEY_CONSTRAINT}`)
      return keys
    },
  }
}

/** The required `Tags.member.N` list of TagX: the shape `tagList()` checks, and present. */
export function requiredTagList(): Field<Tag[]> {
  const tags = tagList()
  return {
    read(params, name, problems: Problems) {
      const found = tags.read(params, name, problems)
      if (found !== undefined) return found
      problems.add(missing(name))
      return []
    },
  }
}

/** `Tags` members as AWS writes them: `<member><Key/><Value/></member>`. */
export const renderTags = (tags: readonly Tag[]): ResultObject[] =>
  tags.map((tag) => ({ Key: tag.key, Value: tag.value }))

/** Tags in an entity's result element: present only when there are some. */
export const optionalTags = (tags: readonly Tag[]): ResultObject[] | undefined =>
  tags.length > 0 ? renderTags(tags) : undefined

/** What CreateX/TagX requests add to the authorisation context: `aws:RequestTag/K`, `aws:TagKeys`. */
export function requestTagContext(tags: readonly Tag[] | undefined): AuthorizationContext {
  if (!tags || tags.length === 0) return {}
  const context: AuthorizationContext = {}
  for (const tag of tags) context[`aws:RequestTag/${tag.key}`] = tag.value
  context['aws:TagKeys'] = tags.map((tag) => tag.key)
  return context
}

/** What UntagX requests add to the authorisation context: `aws:TagKeys`. */
export const tagKeysContext = (keys: readonly string[]): AuthorizationContext =>
  keys.length > 0 ? { 'aws:TagKeys': [...keys] } : {}

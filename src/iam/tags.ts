// Tag rules shared by every taggable IAM entity: duplicate and reserved keys, the 50-tag quota,
// merge and untag semantics, the TagKeys input list, and the authorisation context tags add.
import { invalidInput, limitExceeded } from '../core/errors.js'
import type { Field, Input, Problems, Shape, Tag } from '../core/input.js'
import { memberName, memberValues, missing, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { AuthorizationContext } from '../authorization/authorizer.js'
import type { IamContext, IamOperation, ResourceScope } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'

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

/** AWS's message for a request naming one tag key twice (recorded from STS, issue #11). */
export const DUPLICATE_TAG_KEYS =
  'Duplicate tag keys found. Please note that Tag keys are case insensitive.'

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
    // AWS words every duplicate alike, whether or not the entity compares keys by case.
    if (seen.has(key)) throw invalidInput(DUPLICATE_TAG_KEYS)
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
  limitMessage = `Cannot exceed quota for ${quota}: ${MAX_TAGS_PER_ENTITY}`,
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
    throw limitExceeded(limitMessage)
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
        problems.add(missing(name, problems))
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
      problems.add(missing(name, problems))
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

/** How one kind of taggable entity is named, found and saved; its three tag actions follow. */
export interface Taggable<S extends Shape, R extends { tags: Tag[] }> {
  /** The noun in the actions: `Role` gives TagRole, UntagRole and ListRoleTags. */
  noun: string
  /** The parameters that name the entity, e.g. `{ RoleName: roleName() }`. */
  identity: S
  resource(input: Input<S>, scope: ResourceScope): string | Promise<string>
  /** The entity, or AWS's error; `action` names the call, for errors that quote it. */
  find(input: Input<S>, context: IamContext, action: string): Promise<R>
  save(entity: R, context: IamContext): Promise<void>
  /** The quota AWS names when a TagX would pass 50 tags, e.g. `TagsPerRole`. */
  quota: string
  /** A message that replaces the quota wording (providers answer differently). */
  limitMessage?: string
  rules?: TagKeyRules
  /** Providers list their tags sorted by key; the others in the order they were added. */
  listSorted?: boolean
}

/** Tags sorted by key, the order providers report them in. */
export const tagsByKey = (tags: readonly Tag[]) =>
  [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))

/** Identity providers: their own quota wording (recorded from AWS) and tags listed by key. */
export const PROVIDER_TAGGING = {
  quota: 'TagsPerProvider',
  limitMessage: 'The number of tags has reached the maximum limit.',
  listSorted: true,
} as const

/** TagX, UntagX and ListXTags for one kind of entity. */
export function taggingOperations<S extends Shape, R extends { tags: Tag[] }>(
  kind: Taggable<S, R>,
): IamOperation[] {
  const rules = kind.rules ?? CASE_INSENSITIVE
  // The shapes below extend the kind's identity shape, so each input is that identity plus these.
  type With<T> = Input<S> & T
  const tag = defineOperation({
    name: `Tag${kind.noun}`,
    input: { ...kind.identity, Tags: requiredTagList() },
    resource: (input, scope) => kind.resource(input as With<object>, scope),
    context: (input) => requestTagContext((input as With<{ Tags: Tag[] }>).Tags),
    async run(raw, context) {
      const input = raw as With<{ Tags: Tag[] }>
      checkRequestTags(input.Tags, rules)
      const entity = await kind.find(input, context, `Tag${kind.noun}`)
      const tags = mergeTags(entity.tags, input.Tags, kind.quota, rules, kind.limitMessage)
      await kind.save({ ...entity, tags }, context)
      return undefined
    },
  })
  const untag = defineOperation({
    name: `Untag${kind.noun}`,
    input: { ...kind.identity, TagKeys: tagKeyList() },
    resource: (input, scope) => kind.resource(input as With<object>, scope),
    context: (input) => tagKeysContext((input as With<{ TagKeys: string[] }>).TagKeys),
    async run(raw, context) {
      const input = raw as With<{ TagKeys: string[] }>
      const entity = await kind.find(input, context, `Untag${kind.noun}`)
      const tags = removeTags(entity.tags, input.TagKeys, rules)
      if (tags.length !== entity.tags.length) await kind.save({ ...entity, tags }, context)
      return undefined
    },
  })
  const list = defineOperation({
    name: `List${kind.noun}Tags`,
    input: { ...kind.identity, ...pagingInput },
    resource: (input, scope) => kind.resource(input as With<object>, scope),
    store: 'read',
    async run(raw, context) {
      const input = raw as With<{ Marker?: string; MaxItems?: number }>
      const entity = await kind.find(input, context, `List${kind.noun}Tags`)
      const tags = kind.listSorted ? tagsByKey(entity.tags) : entity.tags
      return paginate(tags, input, 'Tags', (t) => ({ Key: t.key, Value: t.value }))
    },
  })
  return [tag, untag, list]
}

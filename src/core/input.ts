// Checks an AWS Query request's parameters once, where they enter, against a declared shape, and
// reports every violation in AWS's ValidationError wording. Inner code trusts the typed result.
import { AwsError } from './errors.js'

/** Decoded Query parameters: `RoleName`, `Tags.member.1.Key`, `ClientIDList.member.2`, ... */
export type Params = Readonly<Record<string, string>>

export interface Tag {
  key: string
  value: string
}

/**
 * Where problems are collected. IAM's messages name only the member (`Value at 'roleName'`);
 * STS's echo the value too (`Value 'a:b' at 'roleSessionName'`), as recorded from AWS.
 */
export interface Problems {
  add(problem: string): void
  at(value: string, member: string): string
  readonly style: MessageStyle
}

export type MessageStyle = 'name-only' | 'echo-value'

export interface Field<T> {
  read(params: Params, name: string, problems: Problems): T
}

export interface Pattern {
  regex: RegExp
  /** The pattern as AWS prints it in its message. */
  text: string
}

/** How AWS names a parameter in messages: `RoleName` -> `roleName`. */
export const memberName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1)

interface StringRules {
  min?: number
  max?: number
  pattern?: Pattern
}

function checkString(
  value: string,
  name: string,
  rules: StringRules,
  problems: Problems,
  at = memberName(name),
): void {
  // AWS counts code points. n UTF-16 units hold between n/2 and n of them, so counting them (a
  // walk over the whole value, which may be a 1 KB token) is needed only when that range reaches
  // past a bound.
  const mayBreakBound =
    (rules.min !== undefined && value.length < 2 * rules.min) ||
    (rules.max !== undefined && value.length > rules.max)
  const length = mayBreakBound ? [...value].length : value.length
  if (rules.min !== undefined && length < rules.min) {
    problems.add(
      `${problems.at(value, at)} failed to satisfy constraint: Member must have length greater than or equal to ${rules.min}`,
    )
  }
  if (rules.max !== undefined && length > rules.max) {
    problems.add(
      `${problems.at(value, at)} failed to satisfy constraint: Member must have length less than or equal to ${rules.max}`,
    )
  }
  if (rules.pattern && !rules.pattern.regex.test(value)) {
    problems.add(
      `${problems.at(value, at)} failed to satisfy constraint: Member must satisfy regular expression pattern: ${rules.pattern.text}`,
    )
  }
}

/** AWS's problem text for an absent required parameter, in the service's style. */
export const missing = (name: string, problems: Problems) =>
  `${problems.style === 'echo-value' ? `Value null at '${memberName(name)}'` : problems.at('', memberName(name))} failed to satisfy constraint: Member must not be null`

/** A required string parameter. */
export function requiredString(rules: StringRules = {}): Field<string> {
  return {
    read(params, name, problems) {
      const value = params[name]
      if (value === undefined) {
        problems.add(missing(name, problems))
        return ''
      }
      checkString(value, name, rules, problems)
      return value
    },
  }
}

/** An optional string parameter; absent is `undefined`. */
export function optionalString(rules: StringRules = {}): Field<string | undefined> {
  return {
    read(params, name, problems) {
      const value = params[name]
      if (value !== undefined) checkString(value, name, rules, problems)
      return value
    },
  }
}

/** One of a fixed set of values (AWS: "Member must satisfy enum value set"). */
export function enumValue<T extends string>(
  values: readonly T[],
  options: { required?: boolean } = {},
): Field<T | undefined> {
  return {
    read(params, name, problems) {
      const value = params[name]
      if (value === undefined) {
        if (options.required) problems.add(missing(name, problems))
        return undefined
      }
      if (!(values as readonly string[]).includes(value)) {
        problems.add(
          `${problems.at(value, memberName(name))} failed to satisfy constraint: Member must satisfy enum value set${problems.style === 'echo-value' ? `: [${values.join(', ')}]` : ''}`,
        )
        return undefined
      }
      return value as T
    },
  }
}

/** An optional integer within bounds. */
export function optionalInteger(
  rules: { min?: number; max?: number } = {},
): Field<number | undefined> {
  return {
    read(params, name, problems) {
      const text = params[name]
      if (text === undefined) return undefined
      if (!/^-?\d+$/.test(text.trim())) {
        problems.add(
          `${problems.at(text, memberName(name))} failed to satisfy constraint: Member must be a number`,
        )
        return undefined
      }
      const value = Number(text)
      if (rules.min !== undefined && value < rules.min) {
        problems.add(
          `${problems.at(String(value), memberName(name))} failed to satisfy constraint: Member must have value greater than or equal to ${rules.min}`,
        )
      }
      if (rules.max !== undefined && value > rules.max) {
        problems.add(
          `${problems.at(String(value), memberName(name))} failed to satisfy constraint: Member must have value less than or equal to ${rules.max}`,
        )
      }
      return value
    },
  }
}

/** An optional boolean (`true`/`false`, as the AWS SDKs send it). */
export function optionalBoolean(): Field<boolean | undefined> {
  return {
    read(params, name, problems) {
      const text = params[name]
      if (text === undefined) return undefined
      if (text !== 'true' && text !== 'false') {
        problems.add(
          `${problems.at(text, memberName(name))} failed to satisfy constraint: Member must be a boolean`,
        )
        return undefined
      }
      return text === 'true'
    },
  }
}

/** The values of `Name.member.1`, `Name.member.2`, ... in index order. */
export function memberValues(params: Params, name: string): string[] {
  const prefix = `${name}.member.`
  const found: [number, string][] = []
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue
    const index = Number(key.slice(prefix.length))
    if (Number.isInteger(index) && index > 0) found.push([index, value])
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, value]) => value)
}

/** A `member.N` list of strings; `required` demands the list, `min`/`max` bound its size. */
export function stringList(
  options: { required?: boolean; min?: number; max?: number; item?: StringRules } = {},
): Field<string[] | undefined> {
  return {
    read(params, name, problems) {
      const values = memberValues(params, name)
      const present = values.length > 0 || params[name] !== undefined
      if (!present) {
        if (options.required) problems.add(missing(name, problems))
        return undefined
      }
      const at = memberName(name)
      if (options.min !== undefined && values.length < options.min) {
        problems.add(
          `${problems.at(`[${values.join(', ')}]`, at)} failed to satisfy constraint: Member must have length greater than or equal to ${options.min}`,
        )
      }
      if (options.max !== undefined && values.length > options.max) {
        problems.add(
          `${problems.at(`[${values.join(', ')}]`, at)} failed to satisfy constraint: Member must have length less than or equal to ${options.max}`,
        )
      }
      values.forEach((value, i) =>
        checkString(value, name, options.item ?? {}, problems, `${at}.${i + 1}.member`),
      )
      return values
    },
  }
}

const TAG_KEY: Pattern = {
  regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
}
const TAG_VALUE: Pattern = {
  regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
}

/** `Tags.member.N.Key` / `.Value` pairs, at most 50, keys 1-128 and values 0-256 characters. */
export function tagList(): Field<Tag[] | undefined> {
  return {
    read(params, name, problems) {
      const prefix = `${name}.member.`
      const byIndex = new Map<number, { key?: string; value?: string }>()
      for (const [param, text] of Object.entries(params)) {
        if (!param.startsWith(prefix)) continue
        const [indexText, field] = param.slice(prefix.length).split('.')
        const index = Number(indexText)
        if (!Number.isInteger(index) || (field !== 'Key' && field !== 'Value')) continue
        const entry = byIndex.get(index) ?? {}
        if (field === 'Key') entry.key = text
        else entry.value = text
        byIndex.set(index, entry)
      }
      if (byIndex.size === 0) return params[name] === undefined ? undefined : []
      const at = memberName(name)
      const tags = [...byIndex.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([index, entry]) => {
          if (entry.key === undefined) problems.add(missing(`${at}.${index}.member.key`, problems))
          const tag = { key: entry.key ?? '', value: entry.value ?? '' }
          checkString(
            tag.key,
            name,
            { min: 1, max: 128, pattern: TAG_KEY },
            problems,
            `${at}.${index}.member.key`,
          )
          checkString(
            tag.value,
            name,
            { max: 256, pattern: TAG_VALUE },
            problems,
            `${at}.${index}.member.value`,
          )
          return tag
        })
      if (tags.length > 50) {
        problems.add(
          `${problems.at(JSON.stringify(tags), at)} failed to satisfy constraint: Member must have length less than or equal to 50`,
        )
      }
      return tags
    },
  }
}

/** The problems found in one request, worded in its service's style. */
class ProblemList implements Problems {
  readonly found: string[] = []

  constructor(readonly style: MessageStyle) {}

  add(problem: string): void {
    this.found.push(problem)
  }

  at(value: string, member: string): string {
    return this.style === 'echo-value' ? `Value '${value}' at '${member}'` : `Value at '${member}'`
  }
}

export type Shape = Record<string, Field<unknown>>
export type Input<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never }

/**
 * Reads every declared parameter and throws one ValidationError listing all problems, worded as
 * AWS does: `2 validation errors detected: ...; ...`.
 */
export function readInput<S extends Shape>(
  shape: S,
  params: Params,
  style: MessageStyle = 'name-only',
): Input<S> {
  const problems = new ProblemList(style)
  const { found } = problems
  const result: Record<string, unknown> = {}
  // Keys, not entries: entries is a runtime call, and every request passes here.
  for (const name of Object.keys(shape)) {
    const value = shape[name]!.read(params, name, problems)
    if (value !== undefined) result[name] = value
  }
  if (found.length > 0) {
    const count = found.length === 1 ? '1 validation error' : `${found.length} validation errors`
    throw new AwsError('ValidationError', `${count} detected: ${found.join('; ')}`)
  }
  return result as Input<S>
}

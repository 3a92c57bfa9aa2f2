// The request context of a simulation: IAM's ContextEntries read from Query input, each entry
// typed as its ContextKeyType says, and nothing else (IAM's simulator adds no keys of its own).
import { memberName } from '../core/input.js'
import type { Field, Params } from '../core/input.js'
import { RequestContext } from '../policy/index.js'
import type { ContextValue } from '../policy/index.js'

/** IAM's ContextKeyType values (ContextKeyTypeEnum). */
export const CONTEXT_KEY_TYPES = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
] as const

export type ContextKeyType = (typeof CONTEXT_KEY_TYPES)[number]

export interface ContextEntry {
  name: string
  values: string[]
  type: ContextKeyType | undefined
}

/** `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`. */
export function contextEntryList(): Field<ContextEntry[] | undefined> {
  return {
    read(params: Params, name, problems) {
      const prefix = `${name}.member.`
      const indexes = new Set<number>()
      for (const key of Object.keys(params)) {
        if (!key.startsWith(prefix)) continue
        const index = Number(key.slice(prefix.length).split('.')[0])
        if (Number.isInteger(index) && index > 0) indexes.add(index)
      }
      if (indexes.size === 0) return params[name] === undefined ? undefined : []
      const at = memberName(name)
      const entries: ContextEntry[] = []
      for (const index of [...indexes].sort((a, b) => a - b)) {
        const base = `${prefix}${index}`
        const keyName = params[`${base}.ContextKeyName`]
        const typeText = params[`${base}.ContextKeyType`]
        const member = `${at}.${index}.member`
        if (keyName !== undefined) {
          const length = [...keyName].length
          if (length < 5) {
            problems.add(
              `${problems.at(keyName, `${member}.contextKeyName`)} failed to satisfy constraint: Member must have length greater than or equal to 5`,
            )
          }
          if (length > 256) {
            problems.add(
              `${problems.at(keyName, `${member}.contextKeyName`)} failed to satisfy constraint: Member must have length less than or equal to 256`,
            )
          }
        }
        let type: ContextKeyType | undefined
        if (typeText !== undefined) {
          if ((CONTEXT_KEY_TYPES as readonly string[]).includes(typeText)) {
            type = typeText as ContextKeyType
          } else {
            const set = problems.style === 'echo-value' ? `: [${CONTEXT_KEY_TYPES.join(', ')}]` : ''
            problems.add(
              `${problems.at(typeText, `${member}.contextKeyType`)} failed to satisfy constraint: Member must satisfy enum value set${set}`,
            )
          }
        }
        // An entry without a key name gives the simulation nothing to set.
        if (keyName === undefined) continue
        const valuePrefix = `${base}.ContextKeyValues.member.`
        const values = Object.entries(params)
          .filter(([key]) => key.startsWith(valuePrefix))
          .map(([key, value]) => [Number(key.slice(valuePrefix.length)), value] as const)
          .filter(([i]) => Number.isInteger(i) && i > 0)
          .sort((a, b) => a[0] - b[0])
          .map(([, value]) => value)
        entries.push({ name: keyName, values, type })
      }
      return entries
    },
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * A context entry as the engine holds it. `*List` types are multi-valued keys (for ForAnyValue /
 * ForAllValues); `numeric` and `boolean` become numbers and booleans when they read as such, so
 * the typed operators see typed values. Text that is not of its declared type stays text: the
 * typed operators then find no match, as they would for a real request carrying it.
 */
export function contextValueOf(entry: ContextEntry): ContextValue | undefined {
  const { values, type } = entry
  if (values.length === 0) return undefined
  if (type !== undefined && type.endsWith('List')) return values
  if (values.length > 1) return values
  const value = values[0]!
  if (type === 'numeric' && NUMBER.test(value.trim())) return Number(value.trim())
  if (type === 'boolean') {
    const lower = value.trim().toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
  }
  return value
}

/** The request context of a simulation: only what ContextEntries say, as IAM's simulator does. */
export function simulationContext(entries: readonly ContextEntry[] | undefined): RequestContext {
  const context = new RequestContext()
  for (const entry of entries ?? []) {
    const value = contextValueOf(entry)
    if (value !== undefined) context.set(entry.name, value)
  }
  return context
}

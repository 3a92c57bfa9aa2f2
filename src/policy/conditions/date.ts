// Date operators: DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
// DateGreaterThanEquals. Values are ISO 8601 dates/times or epoch seconds (aws:EpochTime).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date

import type { ContextScalar } from '../context.js'
import type { ConditionOperator } from './operator.js'

const EPOCH = /^[+-]?\d+(\.\d+)?$/
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** Milliseconds since the epoch, or undefined when the value is not a date AWS accepts. */
export function parseDate(value: ContextScalar): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime()
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (EPOCH.test(text)) return Number(text) * 1000
  const m = ISO.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0))
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59) {
    return undefined
  }
  if (second! > 60) return undefined
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000
  let ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) + fraction
  if (new Date(Date.UTC(year!, month! - 1, day!)).getUTCDate() !== day) return undefined
  const zone = m[8]
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')
    ms -= sign * offset * 60_000
  }
  return ms
}

type Compare = (actual: number, expected: number) => boolean

function date(name: string, negated: boolean, compare: Compare): ConditionOperator {
  return {
    name,
    negated,
    variables: false,
    compile(values) {
      const expected = values.map((v) => parseDate(v)).filter((n) => n !== undefined)
      return (actual) => {
        const t = parseDate(actual)
        return t !== undefined && expected.some((e) => compare(t, e))
      }
    },
  }
}

export const DateEquals = date('DateEquals', false, (a, e) => a === e)
export const DateNotEquals = date('DateNotEquals', true, (a, e) => a === e)
export const DateLessThan = date('DateLessThan', false, (a, e) => a < e)
export const DateLessThanEquals = date('DateLessThanEquals', false, (a, e) => a <= e)
export const DateGreaterThan = date('DateGreaterThan', false, (a, e) => a > e)
export const DateGreaterThanEquals = date('DateGreaterThanEquals', false, (a, e) => a >= e)

// Numeric operators: NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
// NumericGreaterThan, NumericGreaterThanEquals. A value that is not a number never matches.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric

import type { ContextScalar } from '../context.js'
import type { ConditionOperator } from './operator.js'

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** A number from a policy or context value, or undefined when it is not one. */
export function parseNumber(value: ContextScalar): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return NUMBER.test(text) ? Number(text) : undefined
}

type Compare = (actual: number, expected: number) => boolean

function numeric(name: string, negated: boolean, compare: Compare): ConditionOperator {
  return {
    name,
    negated,
    variables: false,
    compile(values) {
      const expected = values.map((v) => parseNumber(v)).filter((n) => n !== undefined)
      return (actual) => {
        const n = parseNumber(actual)
        return n !== undefined && expected.some((e) => compare(n, e))
      }
    },
  }
}

export const NumericEquals = numeric('NumericEquals', false, (a, e) => a === e)
export const NumericNotEquals = numeric('NumericNotEquals', true, (a, e) => a === e)
export const NumericLessThan = numeric('NumericLessThan', false, (a, e) => a < e)
export const NumericLessThanEquals = numeric('NumericLessThanEquals', false, (a, e) => a <= e)
export const NumericGreaterThan = numeric('NumericGreaterThan', false, (a, e) => a > e)
export const NumericGreaterThanEquals = numeric('NumericGreaterThanEquals', false, (a, e) => a >= e)

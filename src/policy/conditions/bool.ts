// Bool: true/false comparison (aws:SecureTransport, aws:MultiFactorAuthPresent).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean

import type { ContextScalar } from '../context.js'
import type { ConditionOperator } from './operator.js'

/** true/false from a policy or context value (case-insensitive text), else undefined. */
export function parseBool(value: ContextScalar): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string') return undefined
  const text = value.trim().toLowerCase()
  return text === 'true' ? true : text === 'false' ? false : undefined
}

export const Bool: ConditionOperator = {
  name: 'Bool',
  negated: false,
  variables: false,
  compile(values) {
    const expected = values.map((v) => parseBool(v))
    return (actual) => {
      const b = parseBool(actual)
      return b !== undefined && expected.includes(b)
    }
  },
}

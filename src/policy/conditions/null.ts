// Null: whether a key is absent ("true") or present ("false"). It never reports a missing key,
// since absence is what it asks about, and IfExists does not change it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null

import { parseBool } from './bool.js'
import type { ConditionOperator } from './operator.js'

/** The Null test: any policy value that agrees with the key's presence satisfies it. */
export function nullConditionHolds(values: readonly string[], present: boolean): boolean {
  return values.some((value) => {
    const wantsAbsent = parseBool(value)
    return wantsAbsent !== undefined && wantsAbsent === !present
  })
}

/** Registered like the others; the evaluator asks presence itself and calls nullConditionHolds. */
export const Null: ConditionOperator = {
  name: 'Null',
  negated: false,
  variables: false,
  compile: () => () => false,
}

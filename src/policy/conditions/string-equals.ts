// StringEquals / StringNotEquals: exact, case-sensitive comparison; policy variables allowed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

import { scalarToString } from '../context.js'
import { parseTemplate, resolveToString } from '../variables.js'
import type { ValueTest } from './operator.js'
import { operatorPair, variablesOn } from './operator.js'

export const [StringEquals, StringNotEquals] = operatorPair(
  'StringEquals',
  'StringNotEquals',
  true,
  (values, version) => {
    const templates = values.map((value) => parseTemplate(value, variablesOn(version)))
    if (templates.every((t) => t.variableKeys.length === 0)) {
      const set = new Set(templates.map((t) => resolveToString(t, NO_VARIABLES)!))
      return (actual) => set.has(scalarToString(actual))
    }
    const test: ValueTest = (actual, vars) => {
      const text = scalarToString(actual)
      return templates.some((t) => resolveToString(t, vars) === text)
    }
    return test
  },
)

/** For templates without variables: nothing to look up. */
export const NO_VARIABLES = { variable: () => undefined }

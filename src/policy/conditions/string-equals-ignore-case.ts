// StringEqualsIgnoreCase / StringNotEqualsIgnoreCase: exact comparison ignoring case.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

import { scalarToString } from '../context.js'
import { parseTemplate, resolveToString } from '../variables.js'
import { operatorPair, variablesOn } from './operator.js'

export const [StringEqualsIgnoreCase, StringNotEqualsIgnoreCase] = operatorPair(
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  true,
  (values, version) => {
    const templates = values.map((value) => parseTemplate(value, variablesOn(version)))
    return (actual, vars) => {
      const text = scalarToString(actual).toLowerCase()
      return templates.some((t) => resolveToString(t, vars)?.toLowerCase() === text)
    }
  },
)

// StringLike / StringNotLike: case-sensitive match with `*` and `?` wildcards; a value that a
// policy variable substitutes is literal, never a wildcard.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

import { scalarToString } from '../context.js'
import { parseTemplate } from '../variables.js'
import { compileTemplateGlob } from '../wildcard.js'
import { operatorPair, variablesOn } from './operator.js'

export const [StringLike, StringNotLike] = operatorPair(
  'StringLike',
  'StringNotLike',
  true,
  (values, version) => {
    const globs = values.map((value) =>
      compileTemplateGlob(parseTemplate(value, variablesOn(version)), { mode: 'plain' }),
    )
    return (actual, vars) => {
      const text = scalarToString(actual)
      return globs.some((glob) => glob.test(text, vars) === true)
    }
  },
)

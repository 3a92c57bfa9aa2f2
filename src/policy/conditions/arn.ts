// ArnEquals / ArnLike / ArnNotEquals / ArnNotLike: case-sensitive ARN match, each colon-separated
// segment on its own with `*` and `?`; AWS documents ArnEquals and ArnLike as the same test.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

import { scalarToString } from '../context.js'
import { parseTemplate } from '../variables.js'
import { compileTemplateGlob } from '../wildcard.js'
import type { ConditionOperator } from './operator.js'
import { operatorPair, variablesOn } from './operator.js'

const compileArn: ConditionOperator['compile'] = (values, version) => {
  const globs = values.map((value) =>
    compileTemplateGlob(parseTemplate(value, variablesOn(version)), { mode: 'arn' }),
  )
  return (actual, vars) => {
    const text = scalarToString(actual)
    return globs.some((glob) => glob.test(text, vars) === true)
  }
}

export const [ArnEquals, ArnNotEquals] = operatorPair('ArnEquals', 'ArnNotEquals', true, compileArn)
export const [ArnLike, ArnNotLike] = operatorPair('ArnLike', 'ArnNotLike', true, compileArn)

// IAM's "legacy parsing" pass over statements: Effect must be spelled exactly Allow or Deny, and
// every Date* condition value must be a date its older parser can read.

import { malformedPolicy } from '../../core/errors.js'
import { parseConditionOperator } from './condition-operator.js'
import { isLegacyDate } from './date-value.js'
import { policyMessages } from './messages.js'
import type { DraftStatement } from './read-policy.js'

export function checkLegacyStatements(statements: readonly DraftStatement[]) {
  for (const statement of statements) {
    if (statement.effect !== 'Allow' && statement.effect !== 'Deny') {
      throw malformedPolicy(policyMessages.legacy)
    }
    for (const clause of statement.conditions) {
      const operator = parseConditionOperator(clause.operator)
      if (operator?.base.startsWith('Date') && !clause.values.every(isLegacyDate)) {
        throw malformedPolicy(policyMessages.legacy)
      }
    }
  }
}

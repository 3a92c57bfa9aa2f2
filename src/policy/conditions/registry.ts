// Resolves an operator as written (`ForAnyValue:StringLikeIfExists`) into the operator, its set
// qualifier and IfExists. Operator names are matched without regard to case.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html

import { ArnEquals, ArnLike, ArnNotEquals, ArnNotLike } from './arn.js'
import { BinaryEquals } from './binary-equals.js'
import { Bool } from './bool.js'
import {
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
} from './date.js'
import { IpAddressOperator, NotIpAddress } from './ip-address.js'
import { Null } from './null.js'
import {
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
} from './numeric.js'
import type { ConditionOperator } from './operator.js'
import { StringEqualsIgnoreCase, StringNotEqualsIgnoreCase } from './string-equals-ignore-case.js'
import { StringEquals, StringNotEquals } from './string-equals.js'
import { StringLike, StringNotLike } from './string-like.js'

export const conditionOperators: readonly ConditionOperator[] = [
  StringEquals,
  StringNotEquals,
  StringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase,
  StringLike,
  StringNotLike,
  NumericEquals,
  NumericNotEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  DateEquals,
  DateNotEquals,
  DateLessThan,
  DateLessThanEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  Bool,
  BinaryEquals,
  IpAddressOperator,
  NotIpAddress,
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
  Null,
]

const byName = new Map(conditionOperators.map((op) => [op.name.toLowerCase(), op]))

export type SetQualifier = 'ForAnyValue' | 'ForAllValues' | undefined

export interface ResolvedOperator {
  operator: ConditionOperator
  set: SetQualifier
  ifExists: boolean
}

/** The operator named by `text`, or undefined when there is no such operator. */
export function resolveOperator(text: string): ResolvedOperator | undefined {
  let rest = text.trim()
  let set: SetQualifier
  const colon = rest.indexOf(':')
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase()
    if (qualifier === 'foranyvalue') set = 'ForAnyValue'
    else if (qualifier === 'forallvalues') set = 'ForAllValues'
    else return undefined
    rest = rest.slice(colon + 1)
  }
  let ifExists = false
  let operator = byName.get(rest.toLowerCase())
  if (operator === undefined && /ifexists$/i.test(rest)) {
    operator = byName.get(rest.slice(0, -'IfExists'.length).toLowerCase())
    ifExists = true
    if (operator?.name === 'Null') return undefined
  }
  if (operator === undefined) return undefined
  return { operator, set, ifExists }
}

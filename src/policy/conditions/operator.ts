// What every condition operator file provides: its names and how to compile its policy values
// into one test over a single context value. Set operators, IfExists and negation live in
// ../evaluate-condition.ts so each operator file holds only its own comparison.

import type { PolicyLanguageVersion } from '../document.js'
import type { ContextScalar } from '../context.js'
import type { VariableSource } from '../variables.js'

/** True when the context value matches at least one of the policy values. */
export type ValueTest = (actual: ContextScalar, vars: VariableSource) => boolean

export interface ConditionOperator {
  /** The operator as AWS spells it, e.g. `StringNotLike`. */
  readonly name: string
  /**
   * Negated operators (StringNotEquals, NotIpAddress, ...) hold when the value matches none of
   * the policy values, and hold when the key is missing.
   */
  readonly negated: boolean
  /** Whether policy variables are substituted in the values (string and ARN operators only). */
  readonly variables: boolean
  /** Compiles the policy values once. */
  compile(values: readonly string[], version: PolicyLanguageVersion | undefined): ValueTest
}

/** Defines a positive operator and its negated twin from one compile function. */
export function operatorPair(
  name: string,
  negatedName: string,
  variables: boolean,
  compile: ConditionOperator['compile'],
): [ConditionOperator, ConditionOperator] {
  return [
    { name, negated: false, variables, compile },
    { name: negatedName, negated: true, variables, compile },
  ]
}

export const variablesOn = (version: PolicyLanguageVersion | undefined): boolean =>
  version === '2012-10-17'

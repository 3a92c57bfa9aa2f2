// One condition clause (operator + key + values) against the request context, with AWS's rules for
// missing keys, IfExists, several values (ORed; negated operators: "matches none") and the set
// qualifiers ForAnyValue / ForAllValues for multi-valued keys. Rules:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

import type { ConditionClause, PolicyLanguageVersion } from './document.js'
import type { ContextScalar, RequestContext } from './context.js'
import { scalarToString } from './context.js'
import type { ValueTest } from './conditions/operator.js'
import { variablesOn } from './conditions/operator.js'
import { nullConditionHolds } from './conditions/null.js'
import type { ResolvedOperator } from './conditions/registry.js'
import { resolveOperator } from './conditions/registry.js'
import type { Template } from './variables.js'
import { parseTemplate, unresolvedKey } from './variables.js'

export interface CompiledCondition {
  readonly clause: ConditionClause
  readonly lowerKey: string
  /** undefined when the operator is unknown: such a clause never holds. */
  readonly resolved: ResolvedOperator | undefined
  readonly test: ValueTest
  /** Templates of values that use policy variables (string and ARN operators, 2012-10-17). */
  readonly templates: readonly Template[]
  readonly isNull: boolean
}

export function compileCondition(
  clause: ConditionClause,
  version: PolicyLanguageVersion | undefined,
): CompiledCondition {
  const resolved = resolveOperator(clause.operator)
  const test: ValueTest = resolved?.operator.compile(clause.values, version) ?? (() => false)
  const templates =
    resolved?.operator.variables === true && variablesOn(version)
      ? clause.values.map((v) => parseTemplate(v, true)).filter((t) => t.variableKeys.length > 0)
      : []
  return {
    clause,
    lowerKey: clause.key.toLowerCase(),
    resolved,
    test,
    templates,
    isNull: resolved?.operator.name === 'Null',
  }
}

/** What a trace records about one clause. */
export interface ConditionTrace {
  operator: string
  key: string
  expected: readonly string[]
  /** The context values, as strings; undefined when the key is missing. */
  actual: string[] | undefined
  result: boolean
  /** The key was absent from the context (never set for Null, which asks exactly that). */
  missing: boolean
  /** A policy variable used in the values that the request could not resolve. */
  unresolvedVariable?: string
}

/**
 * Evaluates a clause. Keys the context lacks (and unresolvable variables) are pushed to
 * `missing` when given.
 */
export function evaluateCondition(
  condition: CompiledCondition,
  ctx: RequestContext,
  missing?: string[],
): boolean {
  return run(condition, ctx, missing, undefined)
}

/** Evaluates a clause and reports everything about it. */
export function traceCondition(condition: CompiledCondition, ctx: RequestContext): ConditionTrace {
  const trace: ConditionTrace = {
    operator: condition.clause.operator,
    key: condition.clause.key,
    expected: condition.clause.values,
    actual: undefined,
    result: false,
    missing: false,
  }
  trace.result = run(condition, ctx, undefined, trace)
  return trace
}

function run(
  condition: CompiledCondition,
  ctx: RequestContext,
  missing: string[] | undefined,
  trace: ConditionTrace | undefined,
): boolean {
  const { resolved } = condition
  const raw = ctx.getLower(condition.lowerKey)
  // A scalar is a one-value set; kept unwrapped so the common case allocates nothing.
  const many = Array.isArray(raw) ? (raw as readonly string[]) : undefined
  const one = many === undefined ? (raw as ContextScalar | undefined) : undefined
  // A multi-valued key with no values, or only empty strings, is a null data set: it counts as
  // absent (reference_policies_multi-value-conditions, ForAllValues: "It also returns true if
  // there are no keys in the request, or if the key values resolve to a null data set, such as
  // an empty string").
  const present = many === undefined ? one !== undefined : many.some((value) => value !== '')
  if (trace !== undefined && present) {
    trace.actual = many === undefined ? [scalarToString(one!)] : many.map(scalarToString)
  }
  if (resolved === undefined) return false

  if (condition.isNull) return nullConditionHolds(condition.clause.values, present)

  if (!present) {
    if (trace !== undefined) trace.missing = true
    missing?.push(condition.clause.key)
  }

  // A value whose variable the request cannot fill is null: it matches nothing, so positive
  // operators find no match in it and negated ones do (reference_policies_variables, "Policy
  // variables with no value": "Inverted condition operators like StringNotEquals or
  // StringNotLike do match against a null value"). The key is reported as missing.
  for (const template of condition.templates) {
    const key = unresolvedKey(template, ctx)
    if (key !== undefined) {
      if (trace !== undefined) trace.unresolvedVariable ??= key
      missing?.push(key)
    }
  }

  const { operator, set, ifExists } = resolved
  const negated = operator.negated
  const test = condition.test

  if (!present) {
    // ForAllValues holds on a missing or empty key; ForAnyValue fails unless IfExists; without a
    // qualifier, IfExists and negated operators hold and positive ones fail.
    if (set === 'ForAllValues') return true
    if (set === 'ForAnyValue') return ifExists
    return ifExists || negated
  }
  if (many === undefined) {
    const hit = test(one!, ctx)
    // With one value every qualifier reduces to the operator itself.
    return hit !== negated
  }
  if (set === 'ForAllValues') {
    // Every context value must satisfy the operator.
    for (const value of many) if (test(value, ctx) === negated) return false
    return true
  }
  if (set === 'ForAnyValue') {
    // At least one context value must satisfy the operator.
    for (const value of many) if (test(value, ctx) !== negated) return true
    return false
  }
  // No qualifier: positive operators hold when any value matches; negated ones when none does.
  for (const value of many) if (test(value, ctx)) return !negated
  return negated
}

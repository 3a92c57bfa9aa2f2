// Runs one condition clause through the real compiler and evaluator.
import { RequestContext } from '../../../src/policy/context.js'
import type { ContextValue } from '../../../src/policy/context.js'
import type { PolicyLanguageVersion } from '../../../src/policy/document.js'
import { compileCondition, evaluateCondition } from '../../../src/policy/evaluate-condition.js'

export type Row = [
  operator: string,
  values: string[],
  actual: ContextValue | undefined,
  expected: boolean,
]

export function holds(
  operator: string,
  values: string[],
  actual: ContextValue | undefined,
  extra: Record<string, ContextValue> = {},
  version: PolicyLanguageVersion = '2012-10-17',
): boolean {
  const ctx = new RequestContext(extra)
  if (actual !== undefined) ctx.set('test:Key', actual)
  return evaluateCondition(compileCondition({ operator, key: 'test:Key', values }, version), ctx)
}

/** A readable name for a table row. */
export const label = ([op, values, actual, expected]: Row): string =>
  `${op} ${JSON.stringify(values)} vs ${actual instanceof Date ? actual.toISOString() : JSON.stringify(actual)} -> ${expected}`

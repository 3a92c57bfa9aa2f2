// Set qualifiers, several values and several keys, missing keys and key-name case, per
// reference_policies_condition-single-vs-multi-valued-context-keys and
// reference_policies_elements_condition_operators.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { RequestContext } from '../../src/policy/context.js'
import type { ContextValue } from '../../src/policy/context.js'
import {
  compileCondition,
  evaluateCondition,
  traceCondition,
} from '../../src/policy/evaluate-condition.js'

const run = (operator: string, values: string[], actual: ContextValue | undefined): boolean => {
  const ctx = new RequestContext()
  if (actual !== undefined) ctx.set('aws:TagKeys', actual)
  return evaluateCondition(
    compileCondition({ operator, key: 'aws:TagKeys', values }, '2012-10-17'),
    ctx,
  )
}

const table: [string, string[], ContextValue | undefined, boolean][] = [
  // ForAllValues: every request value must be in the policy set; true when missing or empty.
  ['ForAllValues:StringEquals', ['env', 'team'], ['env'], true],
  ['ForAllValues:StringEquals', ['env', 'team'], ['env', 'team'], true],
  ['ForAllValues:StringEquals', ['env', 'team'], ['env', 'owner'], false],
  ['ForAllValues:StringEquals', ['env', 'team'], undefined, true],
  ['ForAllValues:StringEquals', ['env', 'team'], [], true],
  ['ForAllValues:StringLike', ['e*'], ['env', 'eu'], true],
  // ForAllValues with a negated operator: every request value must match none of the values.
  ['ForAllValues:StringNotEquals', ['secret'], ['env', 'team'], true],
  ['ForAllValues:StringNotEquals', ['secret'], ['env', 'secret'], false],
  // ForAnyValue: at least one request value must match; false when missing or empty.
  ['ForAnyValue:StringEquals', ['env', 'team'], ['owner', 'team'], true],
  ['ForAnyValue:StringEquals', ['env', 'team'], ['owner'], false],
  ['ForAnyValue:StringEquals', ['env', 'team'], undefined, false],
  ['ForAnyValue:StringEquals', ['env', 'team'], [], false],
  ['ForAnyValue:StringEqualsIfExists', ['env'], undefined, true],
  ['ForAnyValue:StringNotEquals', ['env'], ['env', 'team'], true],
  ['ForAnyValue:StringNotEquals', ['env'], ['env'], false],
  ['ForAnyValue:StringNotEquals', ['env'], undefined, false],
  // No qualifier on a multi-valued key: any value matching decides; negated: none may match.
  ['StringEquals', ['env'], ['owner', 'env'], true],
  ['StringNotEquals', ['env'], ['owner', 'env'], false],
  ['StringNotEquals', ['env'], ['owner'], true],
]

for (const [operator, values, actual, expected] of table) {
  test(`evaluate-condition: ${operator} ${JSON.stringify(values)} vs ${JSON.stringify(actual)} -> ${expected}`, () => {
    assert.equal(run(operator, values, actual), expected)
  })
}

test('evaluate-condition: key names are case-insensitive', () => {
  const ctx = new RequestContext({ 'AWS:RequestedRegion': 'eu-west-1' })
  const c = compileCondition(
    { operator: 'StringEquals', key: 'aws:requestedregion', values: ['eu-west-1'] },
    '2012-10-17',
  )
  assert.equal(evaluateCondition(c, ctx), true)
})

test('evaluate-condition: an unknown operator never holds', () => {
  assert.equal(run('StringSortOf', ['env'], ['env']), false)
  assert.equal(run('Sometimes:StringEquals', ['env'], ['env']), false)
})

test('evaluate-condition: a missing key is reported, and traced with expected and actual values', () => {
  const missing: string[] = []
  const c = compileCondition(
    { operator: 'StringEquals', key: 'aws:SourceVpc', values: ['vpc-1'] },
    '2012-10-17',
  )
  assert.equal(evaluateCondition(c, new RequestContext(), missing), false)
  assert.deepEqual(missing, ['aws:SourceVpc'])
  const trace = traceCondition(c, new RequestContext({ 'aws:SourceVpc': 'vpc-2' }))
  assert.deepEqual(trace, {
    operator: 'StringEquals',
    key: 'aws:SourceVpc',
    expected: ['vpc-1'],
    actual: ['vpc-2'],
    result: false,
    missing: false,
  })
})

// Property tests: the set qualifiers against their definitions over random sets.
const word = fc.constantFrom('a', 'b', 'c', 'd', 'e')
const set = fc.uniqueArray(word, { maxLength: 5 })

test('property: ForAllValues:StringEquals holds exactly when the request set is a subset', () => {
  fc.assert(
    fc.property(set, set, (policy, request) => {
      const policyValues = policy.length === 0 ? ['z'] : policy
      const expected = request.every((v) => policyValues.includes(v))
      assert.equal(run('ForAllValues:StringEquals', policyValues, request), expected)
    }),
  )
})

test('property: ForAnyValue:StringEquals holds exactly when the sets intersect', () => {
  fc.assert(
    fc.property(set, set, (policy, request) => {
      const policyValues = policy.length === 0 ? ['z'] : policy
      const expected = request.some((v) => policyValues.includes(v))
      assert.equal(run('ForAnyValue:StringEquals', policyValues, request), expected)
    }),
  )
})

test('property: a negated qualified operator is the qualified positive one on the complement', () => {
  fc.assert(
    fc.property(set, set, (policy, request) => {
      const policyValues = policy.length === 0 ? ['z'] : policy
      // ForAllValues:StringNotEquals = no request value in the policy set.
      assert.equal(
        run('ForAllValues:StringNotEquals', policyValues, request),
        request.every((v) => !policyValues.includes(v)),
      )
      // ForAnyValue:StringNotEquals = some request value outside the policy set.
      assert.equal(
        run('ForAnyValue:StringNotEquals', policyValues, request),
        request.some((v) => !policyValues.includes(v)),
      )
    }),
  )
})

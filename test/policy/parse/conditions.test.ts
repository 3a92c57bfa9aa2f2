// Condition blocks: which operator names IAM knows, what values may be, how clauses come out of
// the parser, and which Date values the legacy parser reads.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parseConditionOperator, parsePolicy } from '../../../src/policy/parse-policy.js'
import { isLegacyDate } from '../../../src/policy/parse/date-value.js'
import { assertMalformed, policyWith } from './malformed.js'

const withCondition = (condition: unknown) =>
  policyWith({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: condition })

describe('operator names', () => {
  const cases: [string, ReturnType<typeof parseConditionOperator>][] = [
    ['StringEquals', { base: 'StringEquals', ifExists: false }],
    ['StringNotEqualsIgnoreCase', { base: 'StringNotEqualsIgnoreCase', ifExists: false }],
    ['NumericGreaterThanEquals', { base: 'NumericGreaterThanEquals', ifExists: false }],
    ['DateLessThanIfExists', { base: 'DateLessThan', ifExists: true }],
    ['BinaryEquals', { base: 'BinaryEquals', ifExists: false }],
    ['NotIpAddress', { base: 'NotIpAddress', ifExists: false }],
    ['ArnNotLikeIfExists', { base: 'ArnNotLike', ifExists: true }],
    ['BoolIfExists', { base: 'Bool', ifExists: true }],
    ['Null', { base: 'Null', ifExists: false }],
    ['ForAnyValue:StringLike', { set: 'ForAnyValue', base: 'StringLike', ifExists: false }],
    [
      'ForAllValues:StringEqualsIfExists',
      { set: 'ForAllValues', base: 'StringEquals', ifExists: true },
    ],
    ['NullIfExists', undefined],
    ['ForAnyValue::StringEquals', undefined],
    ['ForAnyValue:ForAllValues:StringEquals', undefined],
    ['StringEqualsIfExistsIfExists', undefined],
    ['IfExists', undefined],
    ['stringequals', undefined],
    ['StringMatch', undefined],
    ['ForAnyValue:', undefined],
    ['', undefined],
  ]
  for (const [name, expected] of cases) {
    test(`${JSON.stringify(name)} -> ${expected ? 'known' : 'unknown'}`, () => {
      assert.deepEqual(parseConditionOperator(name), expected)
      const text = withCondition({ [name]: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } })
      if (expected) assert.equal(parsePolicy(text, 'managed').statements.length, 1)
      else assertMalformed(text, 'managed', 'Syntax errors in policy.')
    })
  }

  test('an unknown operator naming no keys is tolerated, as IAM does', () => {
    const [statement] = parsePolicy(withCondition({ x: {}, y: {} }), 'managed').statements
    assert.deepEqual(statement?.conditions, [])
  })
})

describe('condition values', () => {
  const accepted: [string, unknown, string[]][] = [
    ['a string', 'a', ['a']],
    ['a list of strings', ['a', 'b'], ['a', 'b']],
    ['an empty list', [], []],
    ['a boolean', true, ['true']],
    ['a number, as written', 1.5, ['1.5']],
    ['a mixed list', ['x', 10, false], ['x', '10', 'false']],
  ]
  for (const [name, value, values] of accepted) {
    test(`accepts ${name}`, () => {
      const [statement] = parsePolicy(
        withCondition({ StringEquals: { 'aws:username': value } }),
        'managed',
      ).statements
      assert.deepEqual(statement?.conditions, [
        { operator: 'StringEquals', key: 'aws:username', values },
      ])
    })
  }

  test('numbers keep their written text', () => {
    const text =
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",' +
      '"Condition":{"NumericLessThan":{"s3:max-keys":1.50e1}}}}'
    const [statement] = parsePolicy(text, 'managed').statements
    assert.deepEqual(statement?.conditions[0]?.values, ['1.50e1'])
  })

  const refused: [string, unknown][] = [
    ['Condition as a list', [{ StringEquals: { a: 'b' } }]],
    ['Condition as a string', 'a'],
    ['an operator block as a string', { StringEquals: 'b' }],
    ['an operator block as a list', { StringEquals: [] }],
    ['a value that is an object', { StringEquals: { a: {} } }],
    ['a value that is null', { StringEquals: { a: null } }],
    ['a list holding a list', { StringEquals: { a: [['x']] } }],
    ['a list holding null', { StringEquals: { a: ['x', null] } }],
  ]
  for (const [name, condition] of refused) {
    test(`refuses ${name}`, () => {
      assertMalformed(withCondition(condition), 'managed', 'Syntax errors in policy.')
    })
  }

  test('clauses come out one per operator and key, in written order', () => {
    const [statement] = parsePolicy(
      withCondition({
        StringEquals: { 'aws:RequestTag/team': ['a', 'b'], 'aws:username': 'alice' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' },
        BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
      }),
      'managed',
    ).statements
    assert.deepEqual(statement?.conditions, [
      { operator: 'StringEquals', key: 'aws:RequestTag/team', values: ['a', 'b'] },
      { operator: 'StringEquals', key: 'aws:username', values: ['alice'] },
      { operator: 'ForAllValues:StringEquals', key: 'aws:TagKeys', values: ['team'] },
      { operator: 'BoolIfExists', key: 'aws:MultiFactorAuthPresent', values: ['false'] },
    ])
  })
})

describe('Date values the legacy parser reads', () => {
  const cases: [string, boolean][] = [
    ['2017-07-01T00:00:00Z', true],
    ['2019-07-01t13:20:15z', true],
    ['2016-12-13T21:20:37.593194+00:00', true],
    ['2016-12-13T21:20:37-05:00', true],
    ['2016-12-13t2:00:00.593194+23', true],
    ['2016-12-13', true],
    ['2016-12', true],
    ['01T', true],
    ['-292275054', true],
    ['1500000000', true],
    ['0', true],
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['sdfdsf', false],
    ['234-13', false],
    ['2016-12-32', false],
    ['2016-00-01', false],
    ['2016-12-13-01', false],
    ['-292275055', false],
    ['2016-12-13T24:00:00Z', false],
    ['2016-12-13T23:60:00Z', false],
    ['2016-12-13T23:59:60Z', false],
    ['2016-12-13t2:00:00.593194+1', false],
    ['2016-12-13t2:00:00.1999999999+10:59', false],
    ['2016-12-13T00:00:00+24:00', false],
    ['2016-12-13T00:00:00Zjunk', false],
    ['', false],
    ['1.5', false],
  ]
  for (const [value, readable] of cases) {
    test(`${JSON.stringify(value)} -> ${readable ? 'read' : 'legacy parsing fails'}`, () => {
      assert.equal(isLegacyDate(value), readable)
      for (const operator of ['DateGreaterThan', 'ForAnyValue:DateEqualsIfExists']) {
        const text = withCondition({ [operator]: { 'aws:CurrentTime': ['2020-01-01', value] } })
        if (readable) assert.equal(parsePolicy(text, 'managed').statements.length, 1)
        else assertMalformed(text, 'managed', 'The policy failed legacy parsing')
      }
    })
  }

  test('non-Date operators do not read their values as dates', () => {
    const text = withCondition({ StringEquals: { 'aws:CurrentTime': 'not a date' } })
    assert.equal(parsePolicy(text, 'managed').statements.length, 1)
  })
})

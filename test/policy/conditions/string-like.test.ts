// StringLike / StringNotLike: `*` and `?` wildcards, case-sensitive
// (reference_policies_elements_condition_operators, String condition operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['StringLike', ['home/*'], 'home/bob/notes', true],
  ['StringLike', ['home/*'], 'Home/bob', false],
  ['StringLike', ['home/?ob'], 'home/bob', true],
  ['StringLike', ['home/?ob'], 'home/bbob', false],
  ['StringLike', ['*'], '', true],
  ['StringLike', ['a*b*c'], 'aXXbYYc', true],
  ['StringLike', ['a*b*c'], 'aXXcYYb', false],
  ['StringLike', ['a.c'], 'abc', false], // regex characters are literal
  ['StringLike', ['[ab]'], '[ab]', true],
  ['StringLike', ['x', 'home/*'], 'home/a', true],
  ['StringLike', ['home/*'], undefined, false],
  ['StringLikeIfExists', ['home/*'], undefined, true],
  ['StringNotLike', ['home/*'], 'work/a', true],
  ['StringNotLike', ['home/*', 'work/*'], 'work/a', false],
  ['StringNotLike', ['home/*'], undefined, true],
]

for (const row of rows) {
  test(`string-like: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('string-like: a substituted variable is literal, ${*} is a literal asterisk', () => {
  // reference_policies_variables: special characters and "substituted values are literal".
  const vars = { 'aws:username': '*' }
  assert.equal(holds('StringLike', ['home/${aws:username}/*'], 'home/bob/x', vars), false)
  assert.equal(holds('StringLike', ['home/${aws:username}/*'], 'home/*/x', vars), true)
  assert.equal(holds('StringLike', ['a${*}b'], 'aXb', {}), false)
  assert.equal(holds('StringLike', ['a${*}b'], 'a*b', {}), true)
  assert.equal(holds('StringLike', ['a${?}b${$}'], 'a?b$', {}), true)
})

test('string-like: a default value fills a missing variable', () => {
  assert.equal(
    holds('StringLike', ["team/${aws:PrincipalTag/team, 'none'}/*"], 'team/none/x'),
    true,
  )
  assert.equal(
    holds('StringLike', ["team/${aws:PrincipalTag/team, 'none'}/*"], 'team/red/x', {
      'aws:PrincipalTag/team': 'red',
    }),
    true,
  )
})

// reference_policies_variables, "Policy variables with no value": StringEquals or StringLike "do
// not match", while "Inverted condition operators like StringNotEquals or StringNotLike do match
// against a null value".
test('string-like: a value whose variable has no value matches nothing', () => {
  assert.equal(holds('StringLike', ['home/${aws:username}/*'], 'home/bob/x'), false)
  assert.equal(holds('StringNotLike', ['home/${aws:username}/*'], 'home/bob/x'), true)
  assert.equal(holds('StringNotLike', ['home/${aws:username}/*', 'home/*'], 'home/bob/x'), false)
})

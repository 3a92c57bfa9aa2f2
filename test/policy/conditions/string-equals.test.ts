// StringEquals / StringNotEquals, per reference_policies_elements_condition_operators (String).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['StringEquals', ['prod'], 'prod', true],
  ['StringEquals', ['prod'], 'Prod', false], // case-sensitive
  ['StringEquals', ['dev', 'prod'], 'prod', true], // several values are ORed
  ['StringEquals', ['prod'], 'prod ', false],
  ['StringEquals', ['prod*'], 'production', false], // no wildcards
  ['StringEquals', ['prod*'], 'prod*', true],
  ['StringEquals', ['true'], true, true], // a boolean context value compares as text
  ['StringEquals', ['42'], 42, true],
  ['StringEquals', ['prod'], undefined, false], // missing key: positive operators fail
  ['StringEqualsIfExists', ['prod'], undefined, true],
  ['StringEqualsIfExists', ['prod'], 'dev', false],
  ['StringNotEquals', ['prod'], 'dev', true],
  ['StringNotEquals', ['prod'], 'prod', false],
  ['StringNotEquals', ['dev', 'prod'], 'prod', false], // "not any": matches none of the values
  ['StringNotEquals', ['dev', 'prod'], 'test', true],
  ['StringNotEquals', ['prod'], undefined, true], // missing key: negated operators match
  ['StringNotEqualsIfExists', ['prod'], undefined, true],
]

for (const row of rows) {
  test(`string-equals: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('string-equals: policy variables are substituted in 2012-10-17 policies only', () => {
  const vars = { 'aws:username': 'bob' }
  assert.equal(holds('StringEquals', ['home/${aws:username}'], 'home/bob', vars), true)
  assert.equal(
    holds('StringEquals', ['home/${aws:username}'], 'home/${aws:username}', vars, '2008-10-17'),
    true,
  )
  assert.equal(
    holds('StringEquals', ['home/${aws:username}'], 'home/bob', vars, '2008-10-17'),
    false,
  )
})

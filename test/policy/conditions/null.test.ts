// Null: key absent ("true") or present ("false") (reference_policies_elements_condition_operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestContext } from '../../../src/policy/context.js'
import { compileCondition, evaluateCondition } from '../../../src/policy/evaluate-condition.js'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['Null', ['true'], undefined, true],
  ['Null', ['true'], 'x', false],
  ['Null', ['false'], 'x', true],
  ['Null', ['false'], undefined, false],
  ['Null', ['false'], '', true], // an empty string is still a value
  ['Null', ['true'], [], true], // an empty multi-valued key has no value
  ['Null', ['false'], ['a'], true],
]

for (const row of rows) {
  test(`null: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('null: never reports the key as missing', () => {
  const missing: string[] = []
  const c = compileCondition(
    { operator: 'Null', key: 'aws:TokenIssueTime', values: ['true'] },
    '2012-10-17',
  )
  assert.equal(evaluateCondition(c, new RequestContext(), missing), true)
  assert.deepEqual(missing, [])
})

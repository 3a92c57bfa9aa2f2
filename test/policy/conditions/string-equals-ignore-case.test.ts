// StringEqualsIgnoreCase / StringNotEqualsIgnoreCase (reference_policies_elements_condition_operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['StringEqualsIgnoreCase', ['Prod'], 'pROD', true],
  ['StringEqualsIgnoreCase', ['prod'], 'production', false],
  ['StringEqualsIgnoreCase', ['prod*'], 'PROD*', true],
  ['StringEqualsIgnoreCase', ['prod'], undefined, false],
  ['StringEqualsIgnoreCaseIfExists', ['prod'], undefined, true],
  ['StringNotEqualsIgnoreCase', ['Prod'], 'PROD', false],
  ['StringNotEqualsIgnoreCase', ['Prod'], 'dev', true],
  ['StringNotEqualsIgnoreCase', ['Prod'], undefined, true],
]

for (const row of rows) {
  test(`string-equals-ignore-case: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

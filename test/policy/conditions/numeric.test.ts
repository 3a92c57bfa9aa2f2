// Numeric condition operators (reference_policies_elements_condition_operators, Numeric).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNumber } from '../../../src/policy/conditions/numeric.js'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['NumericEquals', ['10'], '10', true],
  ['NumericEquals', ['10'], 10, true],
  ['NumericEquals', ['10'], '10.0', true],
  ['NumericEquals', ['10'], '11', false],
  ['NumericEquals', ['10'], 'ten', false],
  ['NumericNotEquals', ['10'], '11', true],
  ['NumericNotEquals', ['10', '11'], '11', false],
  ['NumericNotEquals', ['10'], undefined, true],
  ['NumericLessThan', ['10'], '9.5', true],
  ['NumericLessThan', ['10'], '10', false],
  ['NumericLessThanEquals', ['10'], '10', true],
  ['NumericLessThanEquals', ['10'], '-3', true],
  ['NumericGreaterThan', ['10'], '10', false],
  ['NumericGreaterThan', ['10'], 11, true],
  ['NumericGreaterThanEquals', ['10'], '10', true],
  ['NumericGreaterThanEquals', ['10'], undefined, false],
  ['NumericGreaterThanEqualsIfExists', ['10'], undefined, true],
  ['NumericLessThan', ['3600'], '100', true], // aws:MultiFactorAuthAge style
]

for (const row of rows) {
  test(`numeric: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('numeric: parseNumber accepts decimals and rejects other text', () => {
  assert.equal(parseNumber('-1.5'), -1.5)
  assert.equal(parseNumber('.5'), 0.5)
  assert.equal(parseNumber('1e3'), undefined)
  assert.equal(parseNumber(''), undefined)
  assert.equal(parseNumber(true), undefined)
})

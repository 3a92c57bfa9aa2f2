// Date condition operators: ISO 8601 or epoch seconds
// (reference_policies_elements_condition_operators, Date condition operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDate } from '../../../src/policy/conditions/date.js'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const noon = new Date('2024-06-01T12:00:00Z')
const rows: Row[] = [
  ['DateEquals', ['2024-06-01T12:00:00Z'], noon, true],
  ['DateEquals', ['2024-06-01T14:00:00+02:00'], noon, true],
  ['DateEquals', [String(noon.getTime() / 1000)], noon, true], // epoch seconds
  ['DateEquals', ['2024-06-01T12:00:00Z'], '1717243200', true],
  ['DateEquals', ['2024-06-01T12:00:00Z'], 1717243200, true], // aws:EpochTime as a number
  ['DateNotEquals', ['2024-06-01T12:00:00Z'], noon, false],
  ['DateNotEquals', ['2024-06-01'], noon, true],
  ['DateLessThan', ['2024-06-02'], noon, true],
  ['DateLessThan', ['2024-06-01'], noon, false],
  ['DateLessThanEquals', ['2024-06-01T12:00:00Z'], noon, true],
  ['DateGreaterThan', ['2024-06-01'], noon, true],
  ['DateGreaterThan', ['2024-06-01T12:00:00Z'], noon, false],
  ['DateGreaterThanEquals', ['2024-06-01T12:00:00.000Z'], noon, true],
  ['DateGreaterThan', ['2024-06-01'], 'not a date', false],
  ['DateGreaterThan', ['2024-06-01'], undefined, false],
  ['DateGreaterThanIfExists', ['2024-06-01'], undefined, true],
  ['DateNotEquals', ['2024-06-01'], undefined, true],
]

for (const row of rows) {
  test(`date: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('date: parseDate is strict ISO 8601 or epoch seconds', () => {
  assert.equal(parseDate('2024-02-30'), undefined)
  assert.equal(parseDate('June 1, 2024'), undefined)
  assert.equal(parseDate('2024-06-01T12:00Z'), Date.UTC(2024, 5, 1, 12))
  assert.equal(parseDate('2024-06-01T12:00:00-0130'), Date.UTC(2024, 5, 1, 13, 30))
  assert.equal(parseDate('0'), 0)
})

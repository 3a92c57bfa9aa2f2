// Bool (reference_policies_elements_condition_operators, Boolean condition operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['Bool', ['true'], true, true],
  ['Bool', ['true'], false, false],
  ['Bool', ['false'], false, true],
  ['Bool', ['TRUE'], 'true', true],
  ['Bool', ['true'], 'yes', false],
  ['Bool', ['true'], undefined, false], // aws:SecureTransport absent
  ['BoolIfExists', ['false'], undefined, true], // the MFA "BoolIfExists false" deny pattern
  ['BoolIfExists', ['false'], true, false],
]

for (const row of rows) {
  test(`bool: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

// BinaryEquals: base64 values compared as bytes (reference_policies_elements_condition_operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBase64 } from '../../../src/policy/conditions/binary-equals.js'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['BinaryEquals', ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='], 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', true],
  ['BinaryEquals', ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='], 'QmluYXJ5VmFsdWVJbkJhc2U2NA', true], // padding
  ['BinaryEquals', ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='], 'QmluYXJ5VmFsdWVJbkJhc2U2NQ==', false],
  ['BinaryEquals', ['AAE='], 'AAE=', true],
  ['BinaryEquals', ['AAE='], '!!!!', false],
  ['BinaryEquals', ['AAE='], undefined, false],
  ['BinaryEqualsIfExists', ['AAE='], undefined, true],
]

for (const row of rows) {
  test(`binary-equals: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('binary-equals: decodeBase64 decodes and rejects', () => {
  assert.deepEqual(decodeBase64('aGk='), [104, 105])
  assert.deepEqual(decodeBase64('aGk'), [104, 105])
  assert.equal(decodeBase64('a'), undefined)
  assert.equal(decodeBase64('a-b_'), undefined)
})

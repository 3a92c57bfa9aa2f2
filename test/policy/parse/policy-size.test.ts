// The size IAM compares with its policy quotas: characters other than whitespace.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { policySizeWithoutWhitespace } from '../../../src/policy/parse-policy.js'

const cases: [string, string, number][] = [
  ['empty text', '', 0],
  ['compact JSON counts every character', '{"a":"b"}', 9],
  ['spaces, tabs and line breaks are not counted', '{\r\n\t"a" : "b"\n}', 9],
  ['whitespace inside strings is not counted either', '{"a":"b c"}', 10],
  ['Latin-1 characters count once each', '{"a":"é"}', 9],
]
for (const [name, text, size] of cases) {
  test(name, () => assert.equal(policySizeWithoutWhitespace(text), size))
}

test('a pretty-printed and a compact policy have the same size', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  }
  assert.equal(
    policySizeWithoutWhitespace(JSON.stringify(policy, null, 4)),
    policySizeWithoutWhitespace(JSON.stringify(policy)),
  )
})

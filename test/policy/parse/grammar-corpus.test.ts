// Walks ../shared/corpora/iam-policy-grammar (moto's CreatePolicy cases, see its README.md):
// every invalid document must fail with its exact MalformedPolicyDocument message, every valid
// document must parse. Documents are serialised the way the Python test sent them.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isAwsError } from '../../../src/core/errors.js'
import { parsePolicy } from '../../../src/policy/parse-policy.js'
import { corpus } from '../../support/requirements.js'

const { path: grammar, skip } = corpus('iam-policy-grammar')

interface InvalidCase {
  policy: unknown
  error: string
}

const load = <T>(name: string): T[] =>
  skip ? [] : (JSON.parse(readFileSync(join(grammar, name), 'utf8')) as T[])

/** Compact, and spaced out between tokens (close to Python's json.dumps): layout must not matter. */
const layouts = (policy: unknown) => [
  JSON.stringify(policy),
  JSON.stringify(policy, null, 1).replace(/\n\s*/g, ' '),
]

describe('iam-policy-grammar corpus (CreatePolicy, kind managed)', { skip }, () => {
  const invalid = load<InvalidCase>('invalid.json')
  const valid = load<unknown>('valid.json')

  test('the corpus has the cases its README promises', () => {
    assert.equal(invalid.length, 78)
    assert.equal(valid.length, 54)
  })

  for (const [index, { policy, error }] of invalid.entries()) {
    test(`invalid #${index}: ${error}`, () => {
      for (const text of layouts(policy)) {
        assert.throws(
          () => parsePolicy(text, 'managed'),
          (thrown) =>
            isAwsError(thrown) &&
            thrown.code === 'MalformedPolicyDocument' &&
            thrown.status === 400 &&
            thrown.message === error,
          `expected "${error}" for ${text}`,
        )
      }
    })
  }

  for (const [index, policy] of valid.entries()) {
    test(`valid #${index}`, () => {
      const statements = (policy as { Statement: unknown }).Statement
      const count = Array.isArray(statements) ? statements.length : 1
      for (const text of layouts(policy)) {
        const document = parsePolicy(text, 'managed')
        assert.equal(document.statements.length, count)
        assert.equal(document.version, '2012-10-17')
      }
    })
  }
})

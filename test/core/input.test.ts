// String length rules count code points as AWS does, however long the value; the shortcut that
// skips counting must agree with counting on every input.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { AwsError } from '../../src/core/errors.js'
import { readInput, requiredString } from '../../src/core/input.js'

const TOO_SHORT = (min: number) => `Member must have length greater than or equal to ${min}`
const TOO_LONG = (max: number) => `Member must have length less than or equal to ${max}`

/** The constraint texts a value breaks, or [] when it is accepted. */
function broken(value: string, rules: { min?: number; max?: number }): string[] {
  try {
    readInput({ Value: requiredString(rules) }, { Value: value })
    return []
  } catch (error) {
    assert.ok(error instanceof AwsError)
    assert.equal(error.code, 'ValidationError')
    return [...error.message.matchAll(/failed to satisfy constraint: ([^;]+)/g)].map((m) => m[1]!)
  }
}

describe('requiredString length in code points', () => {
  const face = '\u{1F600}' // two UTF-16 units, one code point
  const cases: [string, string, { min?: number; max?: number }, string[]][] = [
    ['ASCII under min', 'abc', { min: 4, max: 6 }, [TOO_SHORT(4)]],
    ['ASCII at min', 'abcd', { min: 4, max: 6 }, []],
    ['ASCII over max', 'abcdefg', { min: 4, max: 6 }, [TOO_LONG(6)]],
    ['3 pairs: 6 units but under min', face.repeat(3), { min: 4, max: 6 }, [TOO_SHORT(4)]],
    ['4 pairs: 8 units over max but 4 code points', face.repeat(4), { min: 4, max: 6 }, []],
    ['7 pairs over max', face.repeat(7), { min: 4, max: 6 }, [TOO_LONG(6)]],
    ['a lone surrogate counts once', '\uD800abc', { min: 4, max: 4 }, []],
    ['a 1 KB token', 'a'.repeat(1000), { min: 4, max: 20000 }, []],
    ['one over 20000', 'a'.repeat(20001), { min: 4, max: 20000 }, [TOO_LONG(20000)]],
  ]
  for (const [name, value, rules, expected] of cases) {
    test(name, () => assert.deepEqual(broken(value, rules), expected))
  }

  test('agrees with counting every code point, for any string and bounds', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string()),
        fc.nat(12),
        fc.nat(12),
        (value, min, extra) => {
          const length = [...value].length
          const expected = [
            ...(length < min ? [TOO_SHORT(min)] : []),
            ...(length > min + extra ? [TOO_LONG(min + extra)] : []),
          ]
          assert.deepEqual(broken(value, { min, max: min + extra }), expected)
        },
      ),
      { numRuns: 2000 },
    )
  })
})

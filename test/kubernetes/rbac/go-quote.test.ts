// Go's %q, which the apiserver uses for every name in its RBAC reasons and Forbidden messages:
// the vectors are Go's own (src/strconv/quote_test.go quotetests, the Quote column), but for
// "abc\xffdef", whose invalid UTF-8 a JavaScript string cannot hold.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { goQuote } from '../../../src/kubernetes/rbac/go-quote.js'

const quotetests: [string, string][] = [
  ['\x07\b\f\r\n\t\v', '"\\a\\b\\f\\r\\n\\t\\v"'],
  ['\\', '"\\\\"'],
  ['\u263a', '"☺"'],
  ['\u{10ffff}', '"\\U0010ffff"'],
  ['\x04', '"\\x04"'],
  // Non-printable but graphic runes.
  ['!\u00a0!\u2000!\u3000!', '"!\\u00a0!\\u2000!\\u3000!"'],
  ['\x7f', '"\\x7f"'],
]

for (const [input, quoted] of quotetests) {
  test(`goQuote(${JSON.stringify(input)}) is ${quoted}`, () => {
    assert.equal(goQuote(input), quoted)
  })
}

test('goQuote leaves printable names alone and escapes the double quote', () => {
  assert.equal(goQuote('production-admin-user'), '"production-admin-user"')
  assert.equal(goQuote('alice@example.com'), '"alice@example.com"')
  assert.equal(goQuote('say "hi"'), '"say \\"hi\\""')
  assert.equal(goQuote(''), '""')
  // A supplementary-plane letter is printable and stays as it is.
  assert.equal(goQuote('\u{1d400}'), '"\u{1d400}"')
})

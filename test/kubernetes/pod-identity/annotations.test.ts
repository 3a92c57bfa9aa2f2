// The webhook's annotations read as Go reads them. Expected values from Go's documentation:
// strconv.ParseBool ("accepts 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False. Any other
// value returns an error"), strconv.ParseInt (base 10, "+"/"-" sign, int64 range, else an error),
// encoding/csv (RFC 4180: quoted fields, "" for a quote, a bare quote in an unquoted field is
// ErrBareQuote, no trimming), and pkg/validation.go's ten-minute floor.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  containersToSkip,
  firstCsvRecord,
  parseGoBool,
  parseGoInt64,
  tokenExpiration,
} from '../../../src/kubernetes/pod-identity/index.js'

describe('strconv.ParseBool', () => {
  const cases: Array<[string, boolean | undefined]> = [
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['yes', undefined],
    ['tRUE', undefined],
    [' true', undefined],
    ['', undefined],
  ]
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.equal(parseGoBool(text), expected))
  }
})

describe('strconv.ParseInt(s, 10, 64)', () => {
  const cases: Array<[string, number | undefined]> = [
    ['3600', 3600],
    ['+3600', 3600],
    ['-1', -1],
    ['0', 0],
    ['007', 7],
    ['9223372036854775807', Number(2n ** 63n - 1n)],
    ['9223372036854775808', undefined],
    ['-9223372036854775809', undefined],
    ['1_000', undefined],
    ['0x10', undefined],
    ['3600s', undefined],
    [' 3600', undefined],
    ['', undefined],
    ['+', undefined],
  ]
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.equal(parseGoInt64(text), expected))
  }
})

test('token-expiration: at least 600, ignored when Go cannot parse it', () => {
  assert.equal(tokenExpiration('3600'), 3600)
  assert.equal(tokenExpiration('599'), 600)
  assert.equal(tokenExpiration('0'), 600)
  assert.equal(tokenExpiration('-5'), 600)
  assert.equal(tokenExpiration('86400'), 86400)
  assert.equal(tokenExpiration('1h'), undefined)
  assert.equal(tokenExpiration(undefined), undefined)
})

describe('skip-containers: the first record of encoding/csv', () => {
  const cases: Array<[string, string[] | undefined]> = [
    ['sidecar', ['sidecar']],
    ['a,b,c', ['a', 'b', 'c']],
    // No trimming: the name is " b", which no container can have.
    ['a, b', ['a', ' b']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['a,,b', ['a', '', 'b']],
    ['a,', ['a', '']],
    // Only the first record counts; empty lines before it are skipped.
    ['a,b\nc', ['a', 'b']],
    ['\n\na\r\nb', ['a']],
    ['"multi\nline",x', ['multi\nline', 'x']],
    // Errors: a bare quote, an unclosed quote, text after a closing quote; empty input is EOF.
    ['a"b', undefined],
    ['"open', undefined],
    ['"a"b,c', undefined],
    ['', undefined],
  ]
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(firstCsvRecord(text), expected))
  }

  test('an unreadable value skips no container', () => {
    assert.deepEqual([...containersToSkip('a"b')], [])
    assert.deepEqual([...containersToSkip('x,y')], ['x', 'y'])
    assert.deepEqual([...containersToSkip(undefined)], [])
  })
})

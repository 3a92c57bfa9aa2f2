import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalHeaderValue, canonicalHeaders } from '../../src/sigv4/canonical-headers.js'
import { signedHeaderNames } from '../../src/sigv4/signed-headers.js'
import type { SignableRequest } from '../../src/sigv4/request.js'

test('canonicalHeaderValue trims, folds lines and collapses whitespace runs', () => {
  const table: [raw: string, expected: string][] = [
    ['value', 'value'],
    ['  value  ', 'value'],
    ['"a   b   c"', '"a b c"'],
    ['value1\n  value2\n     value3', 'value1 value2 value3'],
    ['a\r\n\tb', 'a b'],
    ['a\t\tb', 'a b'],
    // Each character that calls for folding on its own, and one that does not.
    ['a\tb', 'a b'],
    ['a\rb', 'a b'],
    ['a\nb', 'a b'],
    ['a  b', 'a b'],
    ['a b c', 'a b c'],
    ['', ''],
  ]
  for (const [raw, expected] of table) assert.equal(canonicalHeaderValue(raw), expected, raw)
})

const request = (headers: [string, string][]): SignableRequest => ({
  method: 'GET',
  path: '/',
  query: '',
  headers,
  body: new Uint8Array(),
})

test('canonicalHeaders lowercases names and joins repeated headers in arrival order', () => {
  const req = request([
    ['Host', 'example.amazonaws.com'],
    ['My-Header1', 'value4'],
    ['my-header1', ' value1 '],
    ['MY-HEADER1', 'value3'],
    ['Authorization', 'ignored'],
  ])
  const names = signedHeaderNames(req)
  assert.deepEqual(names, ['host', 'my-header1'])
  assert.equal(
    canonicalHeaders(req, names),
    'host:example.amazonaws.com\nmy-header1:value4,value1,value3\n',
  )
})

test('a signed header the request lacks is canonicalised empty, so the signature cannot match', () => {
  assert.equal(canonicalHeaders(request([['Host', 'h']]), ['host', 'x-gone']), 'host:h\nx-gone:\n')
})

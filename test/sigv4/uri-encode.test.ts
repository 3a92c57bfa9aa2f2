import { test } from 'node:test'
import assert from 'node:assert/strict'
import { percentDecode, uriEncode } from '../../src/sigv4/uri-encode.js'

test('uriEncode keeps unreserved characters and encodes every other UTF-8 byte', () => {
  const table: [input: string, keepSlash: boolean, expected: string][] = [
    ['AZaz09-._~', false, 'AZaz09-._~'],
    ['a b', false, 'a%20b'],
    ['a+b=c&d', false, 'a%2Bb%3Dc%26d'],
    ['/a/b', false, '%2Fa%2Fb'],
    ['/a/b', true, '/a/b'],
    ['%20', false, '%2520'],
    ['ሴ', false, '%E1%88%B4'],
    ["!'()*", false, '%21%27%28%29%2A'],
  ]
  for (const [input, keepSlash, expected] of table) {
    assert.equal(uriEncode(input, keepSlash), expected, input)
  }
})

test('percentDecode decodes escapes, keeps bad ones and plus signs literal', () => {
  const table: [input: string, expected: string][] = [
    ['a%20b', 'a b'],
    ['%E1%88%B4', 'ሴ'],
    ['%e1%88%b4', 'ሴ'],
    ['a+b', 'a+b'],
    ['100%', '100%'],
    ['%zz', '%zz'],
    ['%4', '%4'],
  ]
  for (const [input, expected] of table) assert.equal(percentDecode(input), expected, input)
})

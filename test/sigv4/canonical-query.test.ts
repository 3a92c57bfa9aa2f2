import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalQuery, parseQuery } from '../../src/sigv4/canonical-query.js'

test('canonicalQuery re-encodes each name and value once and sorts by name, then value', () => {
  const table: [query: string, exclude: string[], expected: string][] = [
    ['', [], ''],
    ['b=2&a=1', [], 'a=1&b=2'],
    ['Param2=value2&Param1=value1', [], 'Param1=value1&Param2=value2'],
    ['a=2&a=1&a=10', [], 'a=1&a=10&a=2'],
    ['B=1&a=1', [], 'B=1&a=1'],
    ['flag', [], 'flag='],
    ['a=&&b=1&', [], 'a=&b=1'],
    ['k=a%20b&k2=a+b', [], 'k=a%20b&k2=a%2Bb'],
    ['%E1%88%B4=bar&ሴ2=baz', [], '%E1%88%B4=bar&%E1%88%B42=baz'],
    ['path=%2Fa%2Fb&t=x%3Dy', [], 'path=%2Fa%2Fb&t=x%3Dy'],
    ['unescaped=a/b;c', [], 'unescaped=a%2Fb%3Bc'],
    ['X-Amz-Signature=abc&Action=List', ['X-Amz-Signature'], 'Action=List'],
  ]
  for (const [query, exclude, expected] of table) {
    assert.equal(canonicalQuery(parseQuery(query), exclude), expected, query)
  }
})

test('parseQuery gives decoded names and values in arrival order', () => {
  assert.deepEqual(parseQuery(''), [])
  assert.deepEqual(parseQuery('&&'), [])
  assert.deepEqual(
    parseQuery('X-Amz-Credential=AKID%2F20150830%2Fus-east-1&b').map((p) => [p.name, p.value]),
    [
      ['X-Amz-Credential', 'AKID/20150830/us-east-1'],
      ['b', ''],
    ],
  )
})

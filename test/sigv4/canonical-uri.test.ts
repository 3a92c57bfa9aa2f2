import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalUri } from '../../src/sigv4/canonical-uri.js'
import type { CanonicalUriOptions } from '../../src/sigv4/canonical-uri.js'

test('canonicalUri normalises and double-encodes the wire path (non-S3 rules)', () => {
  const table: [path: string, options: CanonicalUriOptions, expected: string][] = [
    ['', {}, '/'],
    ['/', {}, '/'],
    ['/', { normalizePath: false }, '/'],
    ['/', { uriEscapePath: false }, '/'],
    ['/a', {}, '/a'],
    ['/example/..', {}, '/'],
    ['/example/..', { normalizePath: false }, '/example/..'],
    ['//example//', {}, '/example/'],
    ['//example//', { normalizePath: false }, '//example//'],
    ['/./example', {}, '/example'],
    ['/a/b/../../..', {}, '/'],
    ['/a%20b/', {}, '/a%2520b/'],
    ['/example space/', {}, '/example%20space/'],
    ['/ሴ', {}, '/%E1%88%B4'],
    ['/a%2Fb', {}, '/a%252Fb'],
    ['/a%20b/../c', { uriEscapePath: false }, '/a%20b/../c'],
  ]
  for (const [path, options, expected] of table) {
    assert.equal(canonicalUri(path, options), expected, `${path} ${JSON.stringify(options)}`)
  }
})

// PolicyCache: text is parsed and compiled once; bounded, least recently used leave first; bad
// text is refused with MalformedPolicyDocument and not cached.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAwsError } from '../../src/core/errors.js'
import { PolicyCache } from '../../src/policy/policy-cache.js'

const text = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  })

test('policy-cache: the same text gives the same compiled policy', () => {
  const cache = new PolicyCache()
  const a = cache.get(text('s3:*'), 'identity', 'p1')
  assert.equal(cache.get(text('s3:*'), 'identity', 'p1'), a)
  assert.equal(cache.hits, 1)
  assert.equal(cache.misses, 1)
  assert.notEqual(cache.get(text('s3:*'), 'identity', 'p2'), a) // the id is part of the key
  assert.equal(a.id, 'p1')
  assert.equal(a.kind, 'identity')
})

test('policy-cache: bounded, evicting the least recently used', () => {
  const cache = new PolicyCache({ limit: 2 })
  const a = cache.get(text('a:*'), 'identity', 'a')
  cache.get(text('b:*'), 'identity', 'b')
  cache.get(text('a:*'), 'identity', 'a') // a is now the most recent
  cache.get(text('c:*'), 'identity', 'c') // evicts b
  assert.equal(cache.size, 2)
  assert.equal(cache.get(text('a:*'), 'identity', 'a'), a)
  const misses = cache.misses
  cache.get(text('b:*'), 'identity', 'b')
  assert.equal(cache.misses, misses + 1)
})

test('policy-cache: malformed text throws MalformedPolicyDocument and is not cached', () => {
  const cache = new PolicyCache()
  assert.throws(
    () => cache.get('{"Version": "2012-10-17", "Statement": ', 'identity', 'bad'),
    (e: unknown) => isAwsError(e) && e.code === 'MalformedPolicyDocument' && e.status === 400,
  )
  assert.equal(cache.size, 0)
})

test('policy-cache: one text under several kinds and sources counts each entry toward the bound', () => {
  const cache = new PolicyCache({ limit: 3 })
  const shared = text('s3:*')
  const asManaged = cache.get(shared, 'managed', 'role/a')
  const asIdentity = cache.get(shared, 'identity', 'role/a')
  const otherSource = cache.get(shared, 'managed', 'role/b')
  assert.equal(cache.size, 3)
  assert.equal(asManaged.kind, 'managed')
  assert.equal(asIdentity.kind, 'identity')
  assert.equal(otherSource.id, 'role/b')
  assert.equal(cache.get(shared, 'managed', 'role/a'), asManaged)
  assert.equal(cache.get(shared, 'identity', 'role/a'), asIdentity)
  assert.equal(cache.get(shared, 'managed', 'role/b'), otherSource)
  assert.equal(cache.misses, 3)
  // A fourth entry evicts one of the shared text's, and the size stays at the bound.
  cache.get(text('sqs:*'), 'identity', 'q')
  assert.equal(cache.size, 3)
  const misses = cache.misses
  cache.get(shared, 'managed', 'role/a') // the least recently used of the three: evicted
  assert.equal(cache.misses, misses + 1)
  cache.clear()
  assert.equal(cache.size, 0)
})

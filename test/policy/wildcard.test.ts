// Wildcard matching for actions (reference_policies_elements_action: case-insensitive `*`/`?`) and
// Resource ARNs (reference_policies_elements_resource: wildcards within segments, a `*` ending a
// segment may run past the colon, anything goes in the resource part).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { compileGlob } from '../../src/policy/wildcard.js'

const resource = (pattern: string, value: string) =>
  compileGlob(pattern, { mode: 'resource' })(value)

const resourceTable: [string, string, boolean][] = [
  ['*', 'arn:aws:iam::123456789012:role/x', true],
  ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt', true],
  ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
  ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::Bucket/a', false], // case-sensitive
  // The AWS example: arn:aws:s3:::amzn-s3-demo-bucket/*/test/*
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1///test///object.jpg', true],
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b//test/object.jpg', true],
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1/test/', true],
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1-test/object.jpg', false],
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/test/object.jpg', false],
  ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1/2/test.jpg', false],
  ['arn:aws:iam::*:role/x', 'arn:aws:iam::123456789012:role/x', true],
  ['arn:aws:iam::1234*:role/x', 'arn:aws:iam::123456789012:role/x', true],
  [
    'arn:aws:ec2:*:123456789012:instance/*',
    'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
    true,
  ],
  [
    'arn:aws:ec2:us-*-1:123456789012:instance/*',
    'arn:aws:ec2:us-east-1:123456789012:instance/i',
    true,
  ],
  ['arn:aws:ec2:us-?ast-1:*:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i', true],
  ['arn:aws:ec2:us-e*st-1:*:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i', true],
  ['arn:aws:ec2:u*1:1*2:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i', true],
  ['arn:aws:ec2:?s-east-1:*:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i', true],
  ['arn:aws:ec2:us-east-?:*:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i', true],
  ['arn:aws:s3:*', 'arn:aws:s3:::bucket/key', true],
  ['arn:aws:iam::123456789012:user/?ob', 'arn:aws:iam::123456789012:user/bob', true],
  ['arn:aws:iam::123456789012:user/bob', 'arn:aws:iam::123456789012:user/bob', true],
  ['arn:aws:iam::123456789012:user/bob', 'arn:aws:iam::123456789012:user/bobby', false],
  ['arn:aws:logs:*:*:log-group:a:*', 'arn:aws:logs:us-east-1:1:log-group:a:log-stream:b', true],
]

for (const [pattern, value, expected] of resourceTable) {
  test(`wildcard resource: ${pattern} vs ${value} -> ${expected}`, () => {
    assert.equal(resource(pattern, value), expected)
  })
}

test('wildcard resource: `?` before the resource part never matches a colon', () => {
  assert.equal(
    resource('arn:aws:iam:?123456789012:user/bob', 'arn:aws:iam::123456789012:user/bob'),
    false,
  )
})

test('wildcard action: case-insensitive when both sides are lower-cased, `?` is one character', () => {
  const action = (p: string, v: string) =>
    compileGlob(p.toLowerCase(), { mode: 'plain' })(v.toLowerCase())
  assert.equal(action('IAM:Get*', 'iam:GetUser'), true)
  assert.equal(action('iam:*', 'IAM:createrole'), true)
  assert.equal(action('iam:Get?ser', 'iam:GetUser'), true)
  assert.equal(action('iam:Get?ser', 'iam:GetUUser'), false)
  assert.equal(action('s3:*Object', 's3:GetObjectAcl'), false)
  assert.equal(action('*', 'sts:AssumeRole'), true)
})

// Property tests against a reference matcher written the slow, obvious way.
function reference(pattern: string, value: string): boolean {
  if (pattern === '') return value === ''
  const head = pattern[0]
  if (head === '*') {
    for (let i = 0; i <= value.length; i++)
      if (reference(pattern.slice(1), value.slice(i))) return true
    return false
  }
  if (value === '') return false
  if (head === '?' || head === value[0]) return reference(pattern.slice(1), value.slice(1))
  return false
}

const alphabet = fc.constantFrom('a', 'b', ':', '/', '.', '*', '?', '(', '$')
const text = fc.array(alphabet, { maxLength: 10 }).map((a) => a.join(''))
const valueText = fc
  .array(fc.constantFrom('a', 'b', ':', '/', '.', '(', '$'), { maxLength: 10 })
  .map((a) => a.join(''))

test('property: plain wildcard matching agrees with a reference matcher', () => {
  fc.assert(
    fc.property(text, valueText, (pattern, value) => {
      assert.equal(compileGlob(pattern, { mode: 'plain' })(value), reference(pattern, value))
    }),
    { numRuns: 2000 },
  )
})

test('property: a pattern without wildcards matches only itself', () => {
  fc.assert(
    fc.property(valueText, valueText, (pattern, value) => {
      assert.equal(compileGlob(pattern, { mode: 'resource' })(value), pattern === value)
    }),
  )
})

test('property: in the resource part an ARN pattern behaves like plain matching', () => {
  fc.assert(
    fc.property(text, valueText, (tail, value) => {
      const prefix = 'arn:aws:s3:::'
      assert.equal(
        compileGlob(prefix + tail, { mode: 'resource' })(prefix + value),
        reference(tail, value),
      )
    }),
    { numRuns: 1000 },
  )
})

test('property: resource matching never matches more than plain matching', () => {
  fc.assert(
    fc.property(text, valueText, (pattern, value) => {
      if (compileGlob(pattern, { mode: 'resource' })(value)) assert.ok(reference(pattern, value))
      if (compileGlob(pattern, { mode: 'arn' })(value)) assert.ok(reference(pattern, value))
    }),
    { numRuns: 2000 },
  )
})

// Table tests for step 6b: session tags from the https://aws.amazon.com/tags claim.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../../src/core/errors.js'
import { readSessionTags } from '../../../src/federation/oidc/read-session-tags.js'

const claim = (value: unknown) => ({ 'https://aws.amazon.com/tags': value })

test('the documented example', () => {
  const tags = readSessionTags(
    claim({
      principal_tags: {
        Project: ['Automation'],
        CostCenter: ['987654'],
        Department: ['Engineering'],
      },
      transitive_tag_keys: ['Project', 'CostCenter'],
    }),
  )
  assert.deepEqual(tags.tags, [
    { key: 'Project', value: 'Automation' },
    { key: 'CostCenter', value: '987654' },
    { key: 'Department', value: 'Engineering' },
  ])
  assert.deepEqual(tags.transitiveTagKeys, ['Project', 'CostCenter'])
})

test('absent claim, plain string value, empty value', () => {
  assert.deepEqual(readSessionTags({}), { tags: [], transitiveTagKeys: [] })
  assert.deepEqual(readSessionTags(claim({ principal_tags: { a: 'b', c: [''] } })).tags, [
    { key: 'a', value: 'b' },
    { key: 'c', value: '' },
  ])
})

const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ['v']]))
const refused: [string, unknown, string][] = [
  ['claim not an object', ['x'], 'https://aws.amazon.com/tags must be an object'],
  ['principal_tags not an object', { principal_tags: [] }, 'principal_tags must be an object'],
  ['51 tags', { principal_tags: many }, 'more than 50 tags'],
  [
    'two values',
    { principal_tags: { a: ['b', 'c'] } },
    "tag 'a' must have exactly one string value",
  ],
  ['number value', { principal_tags: { a: [1] } }, "tag 'a' must have exactly one string value"],
  ['aws: prefix', { principal_tags: { 'AWS:x': ['v'] } }, "tag key 'AWS:x' uses the aws: prefix"],
  [
    'duplicate regardless of case',
    { principal_tags: { Team: ['a'], team: ['b'] } },
    "duplicate tag key 'team'",
  ],
  [
    'key too long',
    { principal_tags: { ['k'.repeat(129)]: ['v'] } },
    `tag key '${'k'.repeat(129)}' must be 1-128 characters of letters, digits, spaces and _.:/=+-@`,
  ],
  [
    'bad character in key',
    { principal_tags: { 'a*b': ['v'] } },
    "tag key 'a*b' must be 1-128 characters of letters, digits, spaces and _.:/=+-@",
  ],
  [
    'value too long',
    { principal_tags: { a: ['v'.repeat(257)] } },
    "tag 'a' has a value longer than 256 characters or with invalid characters",
  ],
  [
    'transitive key not passed',
    { principal_tags: { a: ['b'] }, transitive_tag_keys: ['c'] },
    "transitive tag key 'c' is not among principal_tags",
  ],
  [
    'transitive keys not strings',
    { principal_tags: { a: ['b'] }, transitive_tag_keys: [1] },
    'transitive_tag_keys must be an array of strings',
  ],
]
for (const [name, value, why] of refused) {
  test(`refused: ${name}`, () =>
    assert.throws(
      () => readSessionTags(claim(value)),
      (e: unknown) =>
        e instanceof AwsError &&
        e.code === 'InvalidIdentityToken' &&
        e.message === `Invalid session tags in the token: ${why}`,
    ))
}
